"""``marquee serve``: the gunicorn command it runs, and the worker it runs beside it."""

from __future__ import annotations

import signal
import sys

import pytest

from marquee import cli


@pytest.fixture
def executed(monkeypatch):
    """The gunicorn commands run, whether alone (execv) or beside a worker."""
    seen: list[list[str]] = []

    def fake_execv(path, argv):
        seen.append(list(argv))

    def fake_with_worker(command):
        seen.append(list(command))
        return 0

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    monkeypatch.setattr(cli, "_serve_with_worker", fake_with_worker)
    return seen


class FakeProcess:
    def __init__(self, argv, *, exit_status=0):
        self.argv, self.exit_status, self.signals, self.done = argv, exit_status, [], False

    def poll(self):
        return self.exit_status if self.done else None

    def send_signal(self, signum):
        self.signals.append(signum)

    def wait(self, timeout=None):
        self.done = True
        return self.exit_status

    def kill(self):
        self.signals.append(signal.SIGKILL)


@pytest.mark.parametrize(
    ("argv", "env", "with_worker"),
    [
        ([], {}, True),  # make run: the whole platform
        (["--no-worker"], {}, False),
        ([], {"MARQUEE_ENV": "production"}, False),  # workers are their own services there
        (["--worker"], {"MARQUEE_ENV": "production"}, True),
    ],
)
def test_serve_runs_a_worker_beside_gunicorn_outside_production(
    monkeypatch, argv, env, with_worker
):
    monkeypatch.delenv("MARQUEE_ENV", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    alone, beside = [], []
    monkeypatch.setattr(cli.os, "execv", lambda path, command: alone.append(command))
    monkeypatch.setattr(cli, "_serve_with_worker", lambda command: beside.append(command) or 0)
    cli.main(["marquee", "serve", *argv])
    assert (len(beside), len(alone)) == ((1, 0) if with_worker else (0, 1))


def test_the_worker_stops_with_the_server_and_a_signal_stops_both(monkeypatch):
    started: list[FakeProcess] = []
    handlers = {}

    def popen(argv):
        started.append(FakeProcess(argv, exit_status=3 if "gunicorn" in argv else 0))
        return started[-1]

    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.setattr(cli.signal, "signal", lambda signum, fn: handlers.__setitem__(signum, fn))
    assert cli._serve_with_worker([sys.executable, "-m", "gunicorn"]) == 3
    worker, server = started
    assert worker.argv[-2:] == ["marquee.cli", "worker"]
    assert worker.signals == [signal.SIGTERM] and worker.done  # ended by its PID, waited for
    # Ctrl-C or a SIGTERM to `marquee serve` goes to both children.
    worker.done = server.done = False
    worker.signals.clear()
    handlers[signal.SIGINT](signal.SIGINT, None)
    assert worker.signals == [signal.SIGTERM] and server.signals == [signal.SIGTERM]


def test_serve_runs_gunicorn_with_the_access_log_by_default(executed, monkeypatch):
    monkeypatch.delenv("MARQUEE_ACCESS_LOG", raising=False)
    monkeypatch.delenv("MARQUEE_HOST", raising=False)
    cli.main(["marquee", "serve", "--port", "8123", "--workers", "3", "--threads", "2"])
    (command,) = executed
    assert command[1:4] == ["-m", "gunicorn", "marquee.wsgi:application"]
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "2"
    assert command[command.index("--access-logfile") + 1] == "-"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_the_access_log_can_be_turned_off(executed, monkeypatch, how):
    argv = ["marquee", "serve"]
    if how == "flag":
        argv.append("--no-access-log")
    else:
        monkeypatch.setenv("MARQUEE_ACCESS_LOG", "off")
    cli.main(argv)
    assert "--access-logfile" not in executed[0]


@pytest.mark.parametrize(
    ("argv", "env", "bind"),
    [
        ([], {}, "127.0.0.1:8000"),
        (["--host", "0.0.0.0"], {}, "0.0.0.0:8000"),  # noqa: S104 - asked for explicitly
        ([], {"MARQUEE_HOST": "10.0.0.5"}, "10.0.0.5:8000"),
        (["--host", "::1"], {}, "[::1]:8000"),
    ],
)
def test_serve_binds_this_machine_only_unless_told(executed, monkeypatch, capsys, argv, env, bind):
    monkeypatch.delenv("MARQUEE_HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cli.main(["marquee", "serve", *argv])
    command = executed[0]
    assert command[command.index("--bind") + 1] == bind
    assert f"http://{bind}/" in capsys.readouterr().out
