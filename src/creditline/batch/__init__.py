"""Batch engines: whole-book passes over columns (end of day), partitioned by line id."""
