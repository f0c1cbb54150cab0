"""The ``marquee`` console command.

``marquee serve`` runs the production server (gunicorn) and, outside production,
one ``marquee worker`` beside it (the periodic jobs and any outbox backlog), so
``make run`` is the whole platform; every other word is a Django management
command (``marquee setup``, ``marquee demo``, ``marquee worker``, ``marquee
migrate``, …).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="marquee serve", description="Serve with gunicorn.")
    parser.add_argument(
        "--host",
        default=os.environ.get("MARQUEE_HOST", "127.0.0.1"),
        help="address to bind (also MARQUEE_HOST; default 127.0.0.1, this machine only)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        default=os.environ.get("MARQUEE_ACCESS_LOG", "on") == "off",
        help="do not log every request (also MARQUEE_ACCESS_LOG=off), e.g. behind a proxy that does",
    )
    parser.add_argument(
        "--worker",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("MARQUEE_ENV", "").lower() != "production",
        help="also run one `marquee worker` beside the server, stopped with it (default on "
        "outside production; in production run workers as their own services)",
    )
    args = parser.parse_args(argv)
    host = f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
    workers = args.workers or max(2, (os.cpu_count() or 1))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "marquee.wsgi:application",
        "--bind",
        f"{host}:{args.port}",
        "--workers",
        str(workers),
        "--threads",
        str(args.threads),
        "--graceful-timeout",
        "10",
    ]
    if not args.no_access_log:
        command += ["--access-logfile", "-"]
    print(f"Marquee is serving on http://{host}:{args.port}/  (API docs: /api/v1/docs)")
    sys.stdout.flush()
    if not args.worker:
        os.execv(sys.executable, command)  # noqa: S606 - never returns (but under test)
        return
    status = _serve_with_worker(command)
    if status:
        raise SystemExit(status)


def _serve_with_worker(command: list[str]) -> int:
    """Run gunicorn and one worker as children; a signal to either stop stops both.

    Returns gunicorn's exit status. The worker is ended by its PID, with
    SIGTERM (it finishes the delivery or job at hand), then SIGKILL after 15 s.
    """
    worker = subprocess.Popen([sys.executable, "-m", "marquee.cli", "worker"])
    server = subprocess.Popen(command)  # noqa: S603

    def forward(signum: int, frame: object) -> None:
        for child in (server, worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    status = server.wait()
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    return status


def _load_settings() -> None:
    """Read the settings now, so a production server missing a secret stops with one line."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - importing the settings is the check
    except ImproperlyConfigured as exc:
        print(f"marquee: refusing to start: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
    _load_settings()
    if len(argv) > 1 and argv[1] == "serve":
        _serve(argv[2:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
