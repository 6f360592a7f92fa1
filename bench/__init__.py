"""Benchmarks: a synthetic graph of the project's shape (``bench.synthetic``) and ``bench.run``."""
