"""The ``marquee`` console command.

``marquee serve`` runs the production server (gunicorn); every other word is a
Django management command (``marquee setup``, ``marquee demo``, ``marquee worker``,
``marquee migrate``, …).
"""

from __future__ import annotations

import os
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
    os.execv(sys.executable, command)  # noqa: S606


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
