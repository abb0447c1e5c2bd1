"""Benchmark harness for issue 4 ("Speed at scale"): `python -m benchmarks.run [--quick]`."""
