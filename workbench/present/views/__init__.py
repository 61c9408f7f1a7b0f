"""Presentation of each domain's results as report pieces (cards, tables), one module per domain."""
