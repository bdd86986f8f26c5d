"""The credit line: its status machine, its limit and what is available to spend."""
