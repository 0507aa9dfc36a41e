"""`talentloop serve`: the WSGI app on waitress, plus the embedded worker when configured."""

from __future__ import annotations

import signal
import sys
from types import FrameType

from django.conf import settings
from waitress.server import create_server

from talentloop.config.wsgi import application
from talentloop.core.worker import EmbeddedWorker, start_embedded_worker, uses_database_queue


def serve(*, host: str, port: int, threads: int, banner: str = "") -> None:
    """Serve until Ctrl-C or SIGTERM; stops the embedded worker on the way out."""
    worker = _maybe_start_worker()
    # Why create the server before printing: a taken port fails here, before we claim a URL.
    server = create_server(application, host=host, port=port, threads=threads)
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    print(f"Talentloop is running on http://{shown_host}:{port}/", flush=True)
    print(_worker_line(worker), flush=True)
    if banner:
        print(banner, flush=True)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        print("Stopping…", file=sys.stderr)
    finally:
        server.close()
        if worker is not None:
            worker.stop()


def _maybe_start_worker() -> EmbeddedWorker | None:
    if not settings.EMBEDDED_WORKER or not uses_database_queue():
        return None
    return start_embedded_worker(interval=0.5)


def _worker_line(worker: EmbeddedWorker | None) -> str:
    if worker is not None:
        return "Background work runs in this process (embedded worker)."
    if not uses_database_queue():
        return "Background work runs inline (TALENTLOOP_TASKS_IMMEDIATE)."
    return "Background work needs `talentloop worker` processes (embedded worker is off)."


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
