"""Periodic jobs under concurrent workers (PostgreSQL): one lease, one runner.

Every worker calls ``periodic.claim`` for a due job at the same instant; the
claim is one conditional UPDATE on ``locked_until`` and exactly one wins, so
two workers never write the same snapshot together. The control takes the
lease by reading the row and then writing it (every racer lined up between
the read and the write): several workers "win".
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from marquee.core import periodic
from marquee.core.models import PeriodicJobLease

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RACERS = 8


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    return periodic.register("race.snapshot", every=300, call="builtins.list")


def test_of_many_workers_exactly_one_takes_a_due_job(job):
    PeriodicJobLease.objects.create(name=job.name)  # due now
    outcomes = race([lambda n=n: periodic.claim(job, holder=f"w{n}") for n in range(RACERS)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.value for o in outcomes) == 1
    lease = PeriodicJobLease.objects.get(name=job.name)
    assert lease.locked_until > timezone.now()
    assert lease.holder in {f"w{n}" for n in range(RACERS)}


def test_of_many_workers_exactly_one_takes_a_job_never_run_before(job):
    outcomes = race([lambda n=n: periodic.claim(job, holder=f"w{n}") for n in range(RACERS)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.value for o in outcomes) == 1
    assert PeriodicJobLease.objects.filter(name=job.name).count() == 1


def test_of_many_workers_running_due_jobs_one_runs_it(job, monkeypatch):
    runs: list[str] = []
    monkeypatch.setattr(periodic.Job, "function", lambda self: lambda: runs.append(self.name))
    PeriodicJobLease.objects.create(name=job.name)
    outcomes = race([lambda: periodic.run_due() for _ in range(RACERS)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert runs == ["race.snapshot"]
    assert sum(1 for o in outcomes if o.value) == 1


def test_control_a_read_then_write_lease_lets_several_workers_in(job, monkeypatch):
    PeriodicJobLease.objects.create(name=job.name)
    lined_up = threading.Barrier(RACERS)

    def unguarded(job, *, holder, now=None):
        now = now or timezone.now()
        lease = PeriodicJobLease.objects.get(name=job.name)
        free = lease.next_run_at <= now and lease.locked_until <= now
        lined_up.wait(timeout=30)  # every racer has read the row before anyone writes
        if not free:
            return False
        lease.locked_until = now + dt.timedelta(seconds=job.lease)
        lease.holder = holder
        lease.save(update_fields=["locked_until", "holder"])
        return True

    monkeypatch.setattr(periodic, "claim", unguarded)
    outcomes = race([lambda n=n: periodic.claim(job, holder=f"w{n}") for n in range(RACERS)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.value for o in outcomes) > 1  # the race is real without the guard
