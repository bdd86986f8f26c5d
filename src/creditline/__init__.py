"""Creditline: consumer BNPL and SME credit lines with the risk management around them."""

__version__ = "0.1.0"
