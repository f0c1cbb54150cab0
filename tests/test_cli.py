"""``marquee serve``: the gunicorn command it runs."""

from __future__ import annotations

import pytest

from marquee import cli


@pytest.fixture
def executed(monkeypatch):
    seen: list[list[str]] = []

    def fake_execv(path, argv):
        seen.append(list(argv))

    monkeypatch.setattr(cli.os, "execv", fake_execv)
    return seen


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
