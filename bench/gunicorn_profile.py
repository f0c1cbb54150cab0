"""gunicorn config hooks that profile every request with cProfile (``bench.flash --profile``).

Loaded with ``GUNICORN_CMD_ARGS="-c bench/gunicorn_profile.py"`` and active
only when ``MARQUEE_BENCH_PROFILE_DIR`` names a directory. Each request
thread has its own profiler, enabled in ``pre_request`` and disabled in
``post_request`` (both run in the thread that serves the request, so gthread
workers are profiled too) while the file ``<dir>/enabled`` exists — the
benchmark creates it after the warm-up, so imports and first-request set-up
stay out of the profile; at exit each worker writes the merged stats to
``<dir>/worker-<pid>.prof``. ``MARQUEE_BENCH_PROFILE_CLOCK=cpu`` (the
default) times functions by the thread's CPU time, so waiting for
PostgreSQL or for the GIL does not count; ``wall`` counts it. Nothing here
is imported by the app.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import threading
import time

_DIR = os.environ.get("MARQUEE_BENCH_PROFILE_DIR", "")
_CPU = os.environ.get("MARQUEE_BENCH_PROFILE_CLOCK", "cpu") == "cpu"
_local = threading.local()
_profilers: list[cProfile.Profile] = []
_lock = threading.Lock()


def _profiler() -> cProfile.Profile:
    profiler = getattr(_local, "profiler", None)
    if profiler is None:
        profiler = cProfile.Profile(time.thread_time) if _CPU else cProfile.Profile()
        _local.profiler = profiler
        with _lock:
            _profilers.append(profiler)
    return profiler


def _active() -> bool:
    return bool(_DIR) and os.path.exists(os.path.join(_DIR, "enabled"))


def pre_request(worker, req):
    if _active():
        _local.on = True
        _profiler().enable()


def post_request(worker, req, environ, resp):
    if getattr(_local, "on", False):
        _local.on = False
        _profiler().disable()


def worker_exit(server, worker):
    if not _DIR:
        return
    with _lock:
        profilers = [p for p in _profilers if p.getstats()]
    if not profilers:
        return
    stats = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        stats.add(profiler)
    stats.dump_stats(os.path.join(_DIR, f"worker-{os.getpid()}.prof"))
