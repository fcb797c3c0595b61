"""Benchmarks on external data (quality) and on this machine (speed); run with `qa bench quality|speed`."""
