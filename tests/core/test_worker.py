"""``marquee worker``: --once, the poll loop, and a clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import io
import os
import signal
import threading

import pytest
from django.core.management import CommandError, call_command

from marquee.core.models import EventDelivery
from tests.core.helpers import echo, echoes, publish_now


@pytest.fixture
def worker_mode(settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"


@pytest.mark.django_db
def test_worker_once_drains_and_exits(register_consumer, worker_mode):
    register_consumer("ledger", ["test.happened"], lambda e: echo(e, "ledger"))
    events = [publish_now(aggregate_id=n) for n in range(3)]
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Processed 3 outbox deliveries." in out.getvalue()
    assert all(echoes("ledger", e) == 1 for e in events)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Processed 0 outbox deliveries." in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--interval", "0"], ["--interval", "-1"], ["--batch", "0"]])
def test_worker_refuses_bad_options(args):
    with pytest.raises(CommandError):
        call_command("worker", *args)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_worker_loops_until_a_signal_then_stops_cleanly(register_consumer, worker_mode, signum):
    register_consumer("ledger", ["test.happened"], lambda e: echo(e, "ledger"))
    early = publish_now(aggregate_id=1)
    before = signal.getsignal(signum)
    published: list = []

    def publish_later_then_signal():
        try:
            published.append(publish_now(aggregate_id=2))
        finally:
            from django.db import connection

            connection.close()
        threading.Timer(0.5, os.kill, (os.getpid(), signum)).start()

    threading.Timer(0.3, publish_later_then_signal).start()
    out = io.StringIO()
    call_command("worker", "--interval", "0.05", stdout=out)  # returns on the signal
    assert "Outbox worker stopped after 2 deliveries." in out.getvalue()
    assert echoes("ledger", early) == 1
    assert echoes("ledger", published[0]) == 1
    assert not EventDelivery.objects.exclude(status="done").exists()
    assert signal.getsignal(signum) == before  # handlers restored


@pytest.mark.django_db(transaction=True)
def test_worker_survives_a_database_outage(register_consumer, worker_mode, monkeypatch, caplog):
    from django.db import OperationalError

    from marquee.core import outbox

    register_consumer("ledger", ["test.happened"], lambda e: echo(e, "ledger"))
    event = publish_now()
    real_drain = outbox.drain
    outages = iter([OperationalError("server closed the connection")])

    def flaky_drain(*args, **kwargs):
        err = next(outages, None)
        if err is not None:
            raise err
        return real_drain(*args, **kwargs)

    monkeypatch.setattr(outbox, "drain", flaky_drain)
    threading.Timer(0.6, os.kill, (os.getpid(), signal.SIGTERM)).start()
    out = io.StringIO()
    call_command("worker", "--interval", "0.05", stdout=out)
    assert "stopped after 1 deliveries" in out.getvalue()
    assert echoes("ledger", event) == 1
    assert "outbox drain failed" in caplog.text
