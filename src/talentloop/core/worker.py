"""Background workers: the embedded thread of `talentloop serve` and `talentloop worker`.

Both run the same loop. Each step dispatches the committed events nobody has dispatched yet
(core.events), runs the due items of `core.scheduling` in batches, runs the tick hooks of
other apps, and claims ready tasks from the django-tasks database queue one at a time (for
up to TASKS_FOR_S), each run with django_tasks_db's own Worker (so results, failures and
signals behave exactly as in `db_worker`). A step that found work is followed by the next
at once; an idle loop sleeps for its interval, or until a commit that wrote events wakes it
(NOTIFY on PostgreSQL, an in-process flag on SQLite). Every few seconds it writes a
heartbeat row for /readyz.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import psycopg
from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from talentloop.core import clock
from talentloop.core.events import WAKE_CHANNEL, dispatch_pending, local_wake
from talentloop.core.models import WorkerHeartbeat
from talentloop.core.scheduling import run_due

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 5.0
DUE_BATCH = 200  # due items claimed per step (core.scheduling runs them in chunks)
TASKS_FOR_S = 0.05  # a step runs queued tasks one after another for up to this long

# Periodic work other apps plug in without core importing them (outreach delivery): each
# hook takes the worker id and returns how much it did, so an idle loop can sleep.
TickHook = Callable[[str], int]
_tick_hooks: list[TickHook] = []


def register_tick(hook: TickHook) -> TickHook:
    """Run `hook(worker_id)` on every loop step of every worker (embedded and standalone)."""
    if hook not in _tick_hooks:
        _tick_hooks.append(hook)
    return hook


def run_tick_hooks(worker_id: str) -> int:
    return sum(hook(worker_id) for hook in list(_tick_hooks))


def new_worker_id(prefix: str = "worker") -> str:
    """A worker id unique across hosts: name, host, pid and a random tail (≤ 64 chars)."""
    host = socket.gethostname().split(".")[0][:24]
    return f"{prefix}-{host}-{os.getpid()}-{get_random_string(6)}"[:64]


def beat(worker_id: str) -> None:
    """Record that this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "seen_at": clock.now(),
        },
    )


def uses_database_queue(backend_name: str = "default") -> bool:
    """True when tasks go through the database queue (not run inline)."""
    return isinstance(task_backends[backend_name], DatabaseBackend)


class Wakeup:
    """Waits out an idle interval, ending it early when committed events are announced."""

    def __init__(self) -> None:
        self._listener: psycopg.Connection[Any] | None = None

    def wait(self, timeout: float) -> None:
        if connection.vendor != "postgresql":
            local_wake.wait(timeout)
            return
        try:
            self._await_other(self._listen(), time.monotonic() + timeout)
        except psycopg.Error:
            # Why not raise: the loop polls anyway; a broken listener only costs latency.
            logger.warning("worker wake-up listener failed; polling", exc_info=True)
            self.close()
            time.sleep(timeout)

    @staticmethod
    def _await_other(listener: psycopg.Connection[Any], deadline: float) -> None:
        """Until a notification from another process arrives, or the deadline passes."""
        me = str(os.getpid())
        while (left := deadline - time.monotonic()) > 0:
            for notice in listener.notifies(timeout=left, stop_after=1):
                if notice.payload != me:
                    return

    def _listen(self) -> psycopg.Connection[Any]:
        if self._listener is None or self._listener.closed:
            params = connection.get_connection_params()
            self._listener = psycopg.Connection.connect(**params, autocommit=True)
            self._listener.execute(f"LISTEN {WAKE_CHANNEL}")
        return self._listener

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


@dataclass
class TaskLoop:
    """Step until `stop` is set; a step that found work is followed by the next at once."""

    worker_id: str
    queue_names: list[str] = field(default_factory=lambda: ["default"])
    interval: float = 0.5
    backend_name: str = "default"
    stop: threading.Event = field(default_factory=threading.Event)
    tasks_run: int = 0
    _next_beat: float = 0.0
    _wakeup: Wakeup = field(default_factory=Wakeup)

    def __post_init__(self) -> None:
        self._worker = Worker(
            queue_names=self.queue_names,
            interval=self.interval,
            batch=False,
            backend_name=self.backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    def run(self) -> None:
        logger.info("worker %s polling queues %s", self.worker_id, ",".join(self.queue_names))
        try:
            while not self.stop.is_set():
                if not self._step() and not self.stop.is_set():
                    self._wakeup.wait(self.interval)
        finally:
            self._sign_off()

    def request_stop(self) -> None:
        self.stop.set()
        local_wake.set()

    def _step(self) -> bool:
        # Why catch DatabaseError here: a restarted database or a dropped connection must
        # not end the loop for good (in `serve` nothing would restart the thread). The error
        # is logged with its traceback and the next poll starts on a fresh connection.
        try:
            self._beat_when_due()
            # Why clear before dispatching: a commit after this point sets it again, so an
            # idle wait that follows still wakes for it.
            local_wake.clear()
            dispatched = dispatch_pending()
            ran_due = run_due(clock.now(), DUE_BATCH, worker_id=self.worker_id)
            ticked = run_tick_hooks(self.worker_id)
            return self._run_tasks() or dispatched > 0 or ran_due > 0 or ticked > 0
        except DatabaseError:
            logger.exception("worker %s: database error, retrying", self.worker_id)
            close_old_connections()
            return False

    def _run_tasks(self) -> bool:
        # Why several per step: each step also polls for events, due items and deliveries;
        # a queue of short tasks would otherwise pay those polls once per task.
        until = time.monotonic() + TASKS_FOR_S
        ran = False
        while not self.stop.is_set() and self.run_once():
            ran = True
            if time.monotonic() > until:
                break
        return ran

    def run_once(self) -> bool:
        """Claim and run one ready task; False when the queue had none for us."""
        close_old_connections()
        task_result = self._claim()
        if task_result is None:
            return False
        self._worker.run_task(task_result)
        self.tasks_run += 1
        close_old_connections()
        return True

    def _claim(self) -> DBTaskResult[Any, Any] | None:
        ready = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        if not ready.exists():
            # Why look first: an idle poll then costs one read instead of a transaction,
            # and on SQLite it does not take the write lock.
            return None
        # Why the exclusive transaction: get_locked() uses SELECT … FOR UPDATE SKIP LOCKED on
        # PostgreSQL, so two workers never claim the same row; on SQLite the EXCLUSIVE
        # transaction makes the read-then-claim atomic against other processes.
        try:
            with exclusive_transaction(ready.db):
                task_result: DBTaskResult[Any, Any] | None = ready.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None  # another writer holds SQLite; try again after the interval
            raise

    def _beat_when_due(self) -> None:
        now = time.monotonic()
        if now >= self._next_beat:
            beat(self.worker_id)
            self._next_beat = now + HEARTBEAT_EVERY_S

    def _sign_off(self) -> None:
        # A clean stop removes the heartbeat so /readyz stops counting this worker at once.
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.exception("worker %s: could not remove its heartbeat", self.worker_id)
        finally:
            self._wakeup.close()
            connection.close()
            logger.info("worker %s stopped after %d tasks", self.worker_id, self.tasks_run)


@dataclass
class EmbeddedWorker:
    """The worker thread inside the web process (embedded mode)."""

    loop: TaskLoop
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        self.loop.request_stop()
        self.thread.join(timeout)


def start_embedded_worker(
    *, interval: float = 0.5, queue_names: list[str] | None = None
) -> EmbeddedWorker:
    """Start the task loop in a daemon thread; it installs no signal handlers."""
    loop = TaskLoop(
        worker_id=new_worker_id("embedded"),
        queue_names=queue_names or ["default"],
        interval=interval,
    )
    # Daemon: a web process stopped with Ctrl-C must not hang on an idle poll. A task cut
    # short that way stays RUNNING in the queue, which is what a crash would leave too.
    thread = threading.Thread(target=loop.run, name="talentloop-worker", daemon=True)
    thread.start()
    return EmbeddedWorker(loop=loop, thread=thread)


def run_worker_process(*, worker_id: str, queue_names: list[str], interval: float) -> int:
    """Run the loop in this process until SIGTERM/SIGINT; the task in hand is finished first."""
    loop = TaskLoop(worker_id=worker_id, queue_names=queue_names, interval=interval)

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.warning("worker %s: %s, stopping after the current task", worker_id, signum)
        loop.request_stop()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    loop.run()
    return loop.tasks_run
