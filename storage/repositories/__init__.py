"""Queries, one module per aggregate. Each takes the session it runs in, so callers own the transaction."""
