"""Benchmarks (not tests): each module measures one part and records it in docs/benchmarks.md."""
