"""Periodic jobs: work that runs every N seconds inside ``marquee worker``, between outbox drains.

An app registers its jobs in its ``AppConfig.ready()`` (core never imports
the apps; the registration flows up to core)::

    from marquee.core import periodic
    periodic.register("analytics.snapshot", every=300, call="marquee.analytics.services.snapshots.write_snapshot")

``call`` is the dotted path of a callable taking no arguments. Every worker
started with ``--periodic`` (the default) calls :func:`run_due` between its
drains. The schedule lives in the database (``core.PeriodicJobLease``, one
row per job), so the workers share it: a job runs when it is due, wherever.
Before running a job a worker takes its lease with one conditional
``UPDATE … WHERE next_run_at <= now AND locked_until <= now`` and the number
of rows changed decides, so two workers never run the same job at the same
time (``tests/concurrency/test_periodic_races.py``). A failure is logged and
recorded on the row; the job is tried again one interval later and the
worker carries on. A worker that dies mid-job leaves a lease that runs out
after ``lease`` seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from marquee.core.models import PeriodicJobLease

logger = logging.getLogger("marquee.periodic")


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds between the starts of two runs
    call: str  # dotted path of a callable without arguments
    lease: float  # seconds a run may take before another worker may start the job again

    def function(self) -> Callable[[], object]:
        return import_string(self.call)


_jobs: dict[str, Job] = {}


def register(name: str, *, every: float, call: str, lease: float | None = None) -> Job:
    """Add a job to this process's registry (registering the same name again replaces it).

    ``every`` and ``lease`` are seconds; ``lease`` defaults to ``max(every, 600)``.
    """
    if not every > 0:
        raise ValueError(f"periodic job {name}: every must be positive, not {every!r}")
    job = Job(name=name, every=float(every), call=call, lease=float(lease or max(every, 600)))
    _jobs[name] = job
    return job


def registered_jobs() -> dict[str, Job]:
    """A copy of the registry (filled by the apps' ``ready()``)."""
    return dict(_jobs)


def holder_name() -> str:
    """Who holds a lease: host, process and a random part (unique per call)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(job: Job, *, holder: str, now: dt.datetime | None = None) -> bool:
    """Take ``job``'s lease if it is due and nobody holds it; True when this caller got it.

    One conditional UPDATE: its row count decides, so of any number of
    concurrent callers exactly one wins. The row is created the first time.
    """
    now = now or timezone.now()
    due = PeriodicJobLease.objects.filter(
        name=job.name, next_run_at__lte=now, locked_until__lte=now
    )
    changes = {
        "locked_until": now + dt.timedelta(seconds=job.lease),
        "holder": holder,
        "last_started_at": now,
    }
    if due.update(**changes):
        return True
    if PeriodicJobLease.objects.filter(name=job.name).exists():
        return False
    PeriodicJobLease.objects.bulk_create(
        [PeriodicJobLease(name=job.name, next_run_at=now, locked_until=now)],
        ignore_conflicts=True,  # another worker created it first: the UPDATE still decides
    )
    return bool(due.update(**changes))


def finish(job: Job, *, holder: str, started: dt.datetime, error: str = "") -> None:
    """Release the lease and schedule the next run one interval after ``started``."""
    now = timezone.now()
    PeriodicJobLease.objects.filter(name=job.name, holder=holder).update(
        locked_until=now,
        next_run_at=max(started + dt.timedelta(seconds=job.every), now),
        last_finished_at=now,
        last_error=error[:4000],
        runs=F("runs") + 1,
        failures=F("failures") + (1 if error else 0),
    )


def run_job(job: Job, *, holder: str) -> bool | None:
    """Run ``job`` if this caller wins its lease: True done, False failed, None not run.

    A failure of the job is logged and recorded, never raised (the worker
    carries on); a database error while taking or releasing the lease is
    raised (the worker's loop reconnects, and the lease runs out).
    """
    started = timezone.now()
    if not claim(job, holder=holder, now=started):
        return None
    error = ""
    try:
        job.function()()
    except Exception as exc:  # any failure of the job: logged, retried next interval
        logger.exception("periodic job %s failed; next try in %ss", job.name, job.every)
        error = f"{type(exc).__name__}: {exc}"
    finish(job, holder=holder, started=started, error=error)
    return not error


def run_due(*, holder: str | None = None) -> dict[str, bool]:
    """Run every registered job that is due; returns the jobs run, name → succeeded."""
    holder = holder or holder_name()
    ran = {}
    for name, job in sorted(registered_jobs().items()):
        outcome = run_job(job, holder=holder)
        if outcome is not None:
            ran[name] = outcome
    return ran
