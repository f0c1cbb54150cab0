"""Marquee: one platform for running a film company end to end."""
