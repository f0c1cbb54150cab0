"""The demo world: ``load_world()`` builds a complete, believable Marquee.

A plain package (not a Django app). ``marquee demo`` and ``marquee setup`` call
:func:`marquee.demo.world.load_world`; tests and benchmarks may too.
"""
