"""Stored queries: catalogue and headers, parameters as terms, running, result formats."""
