"""Benchmarks: accuracy on real contracts (`python -m bench.accuracy`), speed and memory."""
