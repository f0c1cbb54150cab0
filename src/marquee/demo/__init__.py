"""The demo world: ``load_world()`` builds a complete, believable Marquee.

A Django app without tables: it holds the ``setup`` and ``demo`` commands, which
call :func:`marquee.demo.world.load_world`; tests and benchmarks may too.
"""
