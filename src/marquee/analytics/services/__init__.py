"""Writes of the analytics domain: the live rollup, the national totals, snapshots, the demo history."""
