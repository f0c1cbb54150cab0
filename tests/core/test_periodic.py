"""Periodic jobs (``core.periodic``): due jobs run once per interval under a lease, a failure is
recorded and retried an interval later, and ``marquee worker`` runs them between drains."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from marquee.core import periodic
from marquee.core.models import PeriodicJobLease

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
RUNS: list[str] = []


def tick() -> None:
    RUNS.append("tick")


def explode() -> None:
    RUNS.append("explode")
    raise RuntimeError("the disk is full")


@pytest.fixture(autouse=True)
def _no_runs_yet():
    RUNS.clear()


def test_registering_is_a_name_an_interval_and_a_dotted_callable(periodic_jobs):
    job = periodic.register("test.tick", every=60, call="tests.core.test_periodic.tick")
    assert periodic.registered_jobs() == {"test.tick": job}
    assert job.lease == 600  # at least ten minutes unless told
    with pytest.raises(ValueError):
        periodic.register("test.never", every=0, call="tests.core.test_periodic.tick")


def test_the_analytics_snapshot_job_is_registered_by_its_app(periodic_jobs, monkeypatch):
    from django.apps import apps

    apps.get_app_config("analytics").ready()  # the registry of this test starts empty
    job = periodic.registered_jobs()["analytics.snapshot"]
    assert job.every == 300
    assert job.function().__name__ == "write_snapshot"


@pytest.mark.parametrize(
    ("app", "name", "every", "function"),
    [
        ("ticketing", "ticketing.waitlist_sweep", 60, "sweep_waitlists"),
        ("merch", "merch.expire_orders", 60, "expire_all_stale_orders"),
        ("crowdfunding", "crowdfunding.close_offerings", 60, "close_due_offerings"),
    ],
)
def test_the_sweeps_that_needed_cron_are_registered_by_their_apps(
    periodic_jobs, app, name, every, function
):
    from django.apps import apps

    apps.get_app_config(app).ready()
    job = periodic.registered_jobs()[name]
    assert job.every == every
    assert job.function().__name__ == function


def test_a_due_job_runs_once_per_interval(periodic_jobs):
    periodic.register("test.tick", every=60, call="tests.core.test_periodic.tick")
    with time_machine.travel(T0, tick=False):
        assert periodic.run_due() == {"test.tick": True}
        assert periodic.run_due() == {}  # not due again yet
    with time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False):
        assert periodic.run_due() == {}
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        assert periodic.run_due() == {"test.tick": True}
    assert RUNS == ["tick", "tick"]
    lease = PeriodicJobLease.objects.get(name="test.tick")
    assert (lease.runs, lease.failures, lease.last_error) == (2, 0, "")
    assert lease.next_run_at == T0 + dt.timedelta(seconds=120)
    assert lease.locked_until <= T0 + dt.timedelta(seconds=60)  # released


def test_a_held_lease_keeps_other_workers_out_until_it_runs_out(periodic_jobs):
    job = periodic.register("test.tick", every=60, call="tests.core.test_periodic.tick", lease=90)
    with time_machine.travel(T0, tick=False):
        assert periodic.claim(job, holder="worker-a") is True  # a runs it (and dies)
        assert periodic.run_job(job, holder="worker-b") is None
    with time_machine.travel(T0 + dt.timedelta(seconds=89), tick=False):
        assert periodic.run_job(job, holder="worker-b") is None
    with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
        assert periodic.run_job(job, holder="worker-b") is True
    assert RUNS == ["tick"]


def test_a_failing_job_is_logged_recorded_and_retried_an_interval_later(periodic_jobs, caplog):
    periodic.register("test.explode", every=30, call="tests.core.test_periodic.explode")
    periodic.register("test.tick", every=30, call="tests.core.test_periodic.tick")
    with time_machine.travel(T0, tick=False):
        assert periodic.run_due() == {"test.explode": False, "test.tick": True}
        assert periodic.run_due() == {}
    assert "periodic job test.explode failed" in caplog.text
    lease = PeriodicJobLease.objects.get(name="test.explode")
    assert (lease.runs, lease.failures) == (1, 1)
    assert lease.last_error == "RuntimeError: the disk is full"
    assert lease.next_run_at == T0 + dt.timedelta(seconds=30)
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert periodic.run_due() == {"test.explode": False, "test.tick": True}
    assert RUNS == ["explode", "tick", "explode", "tick"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_due_jobs_between_drains_and_survives_their_failures(
    periodic_jobs, settings
):
    settings.MARQUEE_OUTBOX_MODE = "worker"
    periodic.register("test.explode", every=3600, call="tests.core.test_periodic.explode")
    periodic.register("test.tick", every=3600, call="tests.core.test_periodic.tick")
    threading.Timer(0.6, os.kill, (os.getpid(), signal.SIGTERM)).start()
    out = io.StringIO()
    call_command("worker", "--interval", "0.05", stdout=out)
    assert "periodic jobs: test.explode, test.tick" in out.getvalue()
    assert "consumers: none" not in out.getvalue()  # without --only: every consumer
    assert "Outbox worker stopped" in out.getvalue()
    assert sorted(RUNS) == ["explode", "tick"]  # each once: not due again within the hour
    assert PeriodicJobLease.objects.get(name="test.tick").next_run_at > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_a_no_periodic_worker_only_drains(periodic_jobs, settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"
    periodic.register("test.tick", every=3600, call="tests.core.test_periodic.tick")
    threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGTERM)).start()
    out = io.StringIO()
    call_command("worker", "--interval", "0.05", "--no-periodic", stdout=out)
    assert "periodic jobs: none" in out.getvalue()
    assert RUNS == []
    assert not PeriodicJobLease.objects.exists()
