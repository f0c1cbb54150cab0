"""Start the app as in production (``marquee serve`` → gunicorn) and stop it by PID.

Used by the flash benchmark and by the failure drills (tests/drills/). The
server runs in its own session (process group) so that stopping it also
reaps its workers, even when the caller is interrupted.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class Server:
    """A running gunicorn master (``pid``) serving on ``host:port``."""

    process: subprocess.Popen
    host: str
    port: int
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def worker_pids(self) -> list[int]:
        """The PIDs of the master's worker processes (children of the master)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 (after the parenthesised command, which may hold spaces) is the ppid.
            fields = stat.rsplit(")", 1)[-1].split()
            if len(fields) > 1 and int(fields[1]) == self.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the master (graceful), SIGKILL to its process group if it lingers."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        # The workers share the master's process group (its own session): reap stragglers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


#: Every simulated buyer comes from 127.0.0.1 and buys far faster than a person:
#: the production hold limits would measure the limiter. (The cap on seats held
#: at once still runs its query; a buyer that never pays may hold without end.)
UNLIMITED_HOLDS = {
    "MARQUEE_HOLD_RATE_IP": "100000000/min",
    "MARQUEE_HOLD_RATE_ACCOUNT": "100000000/min",
    "MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME": "100000000",
}


def server_env(database_url: str, *, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            # Persistent connections: one per worker thread, kept for 10 minutes.
            "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "600"),
            "DJANGO_SETTINGS_MODULE": "marquee.settings",
            "DEBUG": "false",
            "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
            "PYTHONUNBUFFERED": "1",
            **{name: env.get(name, rate) for name, rate in UNLIMITED_HOLDS.items()},
        }
    )
    env.update(extra or {})
    return env


def start_server(
    *,
    database_url: str,
    workers: int,
    threads: int,
    log_path: Path,
    host: str = "127.0.0.1",
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    access_log: bool = False,
    wait: float = 60.0,
) -> Server:
    """``marquee serve --host … --port … --workers … --threads …`` as a subprocess; waits until it answers.

    The access log (gunicorn's stdout) is discarded unless ``access_log``;
    errors go to ``log_path``. Raises :class:`RuntimeError` with the log's
    tail when the server does not come up within ``wait`` seconds.
    """
    port = port or free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
    try:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [
                str(BIN / "marquee"),
                "serve",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--no-worker",  # this process is gunicorn's master; workers are the caller's
            ],
            cwd=ROOT,
            env=server_env(
                database_url,
                extra={"MARQUEE_ACCESS_LOG": "on" if access_log else "off", **(env or {})},
            ),
            stdout=log if access_log else subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    finally:
        log.close()
    server = Server(process=process, host=host, port=port, log_path=log_path)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if not server.alive():
                raise RuntimeError(f"the server exited at start:\n{server.log_tail()}")
            if _answers(host, port):
                return server
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {wait:.0f} s:\n{server.log_tail()}")
    except BaseException:
        # Interrupted or failed while starting: never leave the server behind.
        server.stop()
        raise


def _answers(host: str, port: int) -> bool:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", "/api/v1/ticketing/keys")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def running_server(**kwargs) -> Iterator[Server]:
    """:func:`start_server` as a context manager: always stopped at the end, also on error."""
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        server.stop()
