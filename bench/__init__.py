"""Load and scale benchmarks; each is runnable by one make target (see docs/performance.md)."""
