"""Benchmarks: side-by-side timings against a peer or a floor, results in RESULTS.md."""
