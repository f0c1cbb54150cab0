"""Who used the CPU during a run: the app (gunicorn), PostgreSQL (our database's backends),
the load generator, and everything else on the machine.

On a shared 2-core machine throughput alone says little; CPU time per request
does not depend on what else runs. Read from ``/proc`` (Linux).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime are fields 14 and 15 of stat; after the ")" they are 12th and 13th.
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return out


def _db_backends(database: str) -> list[int]:
    """PostgreSQL backends serving ``database`` (their process title names it)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                out.append(int(entry.name))
    return out


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / TICK, total / TICK


@dataclass
class Sample:
    app: float
    db: float
    loadgen: float
    busy: float
    total: float


def sample(server_pid: int, database: str) -> Sample:
    app = _proc_cpu(server_pid) + sum(_proc_cpu(p) for p in _children(server_pid))
    db = sum(_proc_cpu(p) for p in _db_backends(database))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, total = _machine()
    return Sample(app, db, children.ru_utime + children.ru_stime, busy, total)


def usage(before: Sample, after: Sample, *, requests: int, elapsed: float) -> dict[str, float]:
    """CPU seconds by party over a run, and the app's CPU milliseconds per request."""
    app = max(after.app - before.app, 0.0)
    db = max(after.db - before.db, 0.0)
    loadgen = max(after.loadgen - before.loadgen, 0.0)
    busy = max(after.busy - before.busy, 0.0)
    cores = os.cpu_count() or 1
    return {
        "app_cpu_s": round(app, 2),
        "db_cpu_s": round(db, 2),
        "loadgen_cpu_s": round(loadgen, 2),
        "other_cpu_s": round(max(busy - app - db - loadgen, 0.0), 2),
        "machine_busy_pct": round(100 * busy / (elapsed * cores), 1) if elapsed else 0.0,
        "app_cpu_ms_per_request": round(1000 * app / requests, 2) if requests else 0.0,
        "db_cpu_ms_per_request": round(1000 * db / requests, 2) if requests else 0.0,
    }
