"""Benchmark: outreach render + enqueue, delivery rate against bare smtplib, and a crash test.

    .venv/bin/python bench/send.py                      # 100,000 messages, SQLite in a temp dir
    .venv/bin/python bench/send.py --messages 20000 --send 5000 --crash-messages 2000
    .venv/bin/python bench/send.py --database-url postgres://postgres@127.0.0.1:5432/bench_send

1. Render and enqueue: a campaign to N people (each with a lawful basis) is rendered through the
   sandboxed Jinja2 template and written to the outbox (`campaigns.enqueue_campaign`).
2. Send rate: the same sink (aiosmtpd on loopback, in its own process) receives first `--send`
   pre-rendered messages from a bare `smtplib` loop over one connection (the baseline), then
   the same rows through Talentloop's delivery workers (claim, contactability re-check, Django
   SMTP backend, state + delivery event + audit event per message): `--workers` real
   `talentloop worker` processes (default 2, one per core, as production runs them), timed
   from the moment the rows fall due. Both rates and the ratio.
3. Crash test: `--crash-messages` more messages are sent by a real `talentloop worker`
   process that is killed with SIGKILL at `--kills` random moments while it sends, and
   restarted each time. The sink logs every Message-ID it accepts: lost must be 0 and
   duplicates at most kills x concurrency (one sending connection per worker).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_ENQUEUE_S = 60.0
TARGET_RATIO = 0.5
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


# --- the sink (runs in its own process) -------------------------------------------------------


def run_sink(port: int, log_path: str) -> None:
    """aiosmtpd on 127.0.0.1:port appending each accepted Message-ID to log_path."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    log = open(log_path, "ab", buffering=0)  # noqa: SIM115 - lives as long as the process

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            data = envelope.original_content or b""
            match = MESSAGE_ID.search(data.partition(b"\r\n\r\n")[0])
            log.write((match.group(1) if match else b"<none>") + b"\n")
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=None)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def start_sink(port: int, log_path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port), str(log_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError("the SMTP sink did not start")
    return process


def sink_ids(log_path: Path) -> list[str]:
    return log_path.read_bytes().decode().split()


# --- setup ------------------------------------------------------------------------------------


def setup_django(database_url: str | None, folder: str) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TALENTLOOP_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    os.environ["TALENTLOOP_OUTREACH_LEASE_SECONDS"] = (
        "3"  # crash test: abandoned claims return fast
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(people: int, sink_port: int) -> Any:
    """A workspace, an admin, an SMTP mailbox at the sink, a template and N contactable people."""
    from talentloop.accounts.actions import do_create_workspace
    from talentloop.accounts.models import User
    from talentloop.core import clock
    from talentloop.outreach import mailbox_actions, template_actions
    from talentloop.outreach.models import ContactBasis
    from talentloop.people.models import Person

    suffix = random.randint(0, 10**9)
    workspace = do_create_workspace(name="Bench", slug=f"bench-send-{suffix}")
    admin = User.objects.create_user(
        f"admin{suffix}@bench.example.com", "x" * 20, workspace=workspace, role="admin"
    )
    mailbox = mailbox_actions.save_mailbox(
        actor=admin,
        name="Bench",
        from_name="Bench Talent",
        from_address="talent@bench.example.com",
        kind="smtp",
        smtp_host="127.0.0.1",
        smtp_port=sink_port,
        smtp_security="none",
        daily_limit=1_000_000,
        owner_id=None,
    )
    template = template_actions.save_template(
        actor=admin,
        name="Intro",
        topic="newsletter",
        subject="{{ person.first_name | default('Hello') }}, a role at {{ sender.name }}",
        html=(
            "<p>Hi {{ person.first_name | default('there') }},</p>"
            "<p>We are hiring for teams in {{ person.city | default('your city') }} and thought of"
            " you{% if person.current_title %} as a {{ person.current_title }}{% endif %}.</p>"
            '<p><a href="{{ links.preferences }}">Email preferences</a></p>'
        ),
        text="",
    )
    rng = random.Random(7)
    firsts = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", ""]
    cities = ["Berlin", "Lisbon", "Austin", "Pune", "Oslo", ""]
    now = clock.now()
    for start in range(0, people, 5000):
        batch = [
            Person(
                workspace=workspace,
                first_name=rng.choice(firsts),
                last_name=f"Person{index}",
                city=rng.choice(cities),
                current_title=rng.choice(["Engineer", "Designer", ""]),
                primary_email=f"p{index}@bench{suffix % 1000}.example.com",
            )
            for index in range(start, min(start + 5000, people))
        ]
        Person.objects.bulk_create(batch)
    ids = Person.objects.filter(workspace=workspace).values_list("pk", flat=True)
    bases = [
        ContactBasis(
            workspace=workspace,
            person_id=pk,
            basis="legitimate_interest",
            note="bench",
            given_at=now,
        )
        for pk in ids
    ]
    ContactBasis.objects.bulk_create(bases, batch_size=5000)
    return admin, mailbox, template


def new_campaign(admin: Any, mailbox: Any, template: Any, name: str) -> Any:
    from talentloop.outreach.models import Campaign

    return Campaign.objects.create(
        workspace=admin.workspace, name=name, template=template, mailbox=mailbox,
        topic="newsletter", state="scheduled", created_by=admin,
    )  # fmt: skip


def open_rows(campaign: Any) -> Any:
    """The campaign's rows still to send, found through the (mailbox, state, due) index.

    Why not filter by campaign: SQLite then walks every row of the campaign to read its state,
    and polling that while the workers send would take the CPU being measured. In this
    benchmark the mailbox holds no other open rows.
    """
    from talentloop.outreach.models import Message

    return Message.objects.filter(mailbox_id=campaign.mailbox_id, state__in=("queued", "sending"))


# --- phases -----------------------------------------------------------------------------------


def phase_enqueue(admin: Any, mailbox: Any, template: Any) -> tuple[Any, int, float]:
    from talentloop.outreach.campaigns import enqueue_campaign

    campaign = new_campaign(admin, mailbox, template, "Bench campaign")
    started = time.perf_counter()
    queued, _refused = enqueue_campaign(campaign)
    return campaign, queued, time.perf_counter() - started


def phase_rates(
    campaign: Any, count: int, port: int, workers: int, sink: subprocess.Popen[str]
) -> tuple[float, float]:
    """Messages per second: bare smtplib loop, then the delivery worker, same rows, same sink."""
    from talentloop.outreach import delivery
    from talentloop.outreach.models import Message

    rows = list(
        Message.objects.filter(campaign=campaign).select_related("mailbox").order_by("id")[:count]
    )
    prepared = [
        (
            row.from_address,
            [row.to_address],
            delivery.build_email(row.mailbox, row).message().as_bytes(linesep="\r\n"),
        )
        for row in rows
    ]
    started, cpu, sink_cpu = time.perf_counter(), time.process_time(), cpu_seconds([sink])
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for sender, recipients, data in prepared:
            connection.sendmail(sender, recipients, data)
    baseline = count / (time.perf_counter() - started)
    print(
        f"  smtplib loop: {(time.process_time() - cpu) / count * 1000:.3f} ms CPU per message,"
        f" sink {per_message(sink_cpu, cpu_seconds([sink]), count)}"
    )
    # Only the first `count` rows are due, so the worker sends exactly those.
    Message.objects.filter(campaign=campaign).exclude(pk__in=[row.pk for row in rows]).update(
        state="cancelled", reason="bench: not part of the send-rate sample"
    )
    if workers:
        return baseline, _rate_of_workers(campaign, count, workers, sink)
    started = time.perf_counter()
    sent = 0
    while sent < count:
        stats = delivery.deliver_due(worker_id="bench", batch=100)
        if stats.handled == 0 and not open_rows(campaign).exists():
            break
        sent += stats.sent
    ours = sent / (time.perf_counter() - started)
    return baseline, ours


def _rate_of_workers(campaign: Any, count: int, workers: int, sink: subprocess.Popen[str]) -> float:
    """Messages per second of `workers` real `talentloop worker` processes, timed from the
    moment the rows fall due (the processes are started and idle before that)."""
    from datetime import timedelta

    from talentloop.core import clock
    from talentloop.core.models import WorkerHeartbeat
    from talentloop.outreach.models import Message

    pending = Message.objects.filter(campaign=campaign, state="queued")
    pending.update(next_attempt_at=clock.now() + timedelta(days=1))
    seen = set(WorkerHeartbeat.objects.values_list("pk", flat=True))
    processes = [start_worker() for _ in range(workers)]
    deadline = time.monotonic() + 60
    while WorkerHeartbeat.objects.exclude(pk__in=seen).count() < workers:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.1)
    cpu_at_start, sink_at_start = cpu_seconds(processes), cpu_seconds([sink])
    started = time.perf_counter()
    pending.update(next_attempt_at=clock.now())
    while open_rows(campaign).exists():
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu_at_end, sink_at_end = cpu_seconds(processes), cpu_seconds([sink])
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)
    sent = Message.objects.filter(campaign=campaign, state="sent").count()
    print(
        f"  workers: {per_message(cpu_at_start, cpu_at_end, sent)} CPU per message (all worker"
        f" processes), sink {per_message(sink_at_start, sink_at_end, sent)}"
    )
    return sent / elapsed


def per_message(start: float | None, end: float | None, count: int) -> str:
    if start is None or end is None:
        return "(CPU not measurable here)"
    return f"{(end - start) / max(count, 1) * 1000:.3f} ms"


def cpu_seconds(processes: Sequence[subprocess.Popen[Any]]) -> float | None:
    """User + system CPU the processes have used so far (Linux /proc; None elsewhere)."""
    total = 0.0
    try:
        for process in processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
    return total


def phase_crash(
    admin: Any, mailbox: Any, template: Any, count: int, kills: int, log_path: Path
) -> dict[str, int]:
    from talentloop.outreach import campaigns
    from talentloop.outreach.models import Message
    from talentloop.people.models import Person

    campaign = new_campaign(admin, mailbox, template, "Crash test")
    people = list(Person.objects.filter(workspace=admin.workspace).order_by("id")[:count])
    for start in range(0, len(people), 1000):
        campaigns.queue_chunk(campaign, people[start : start + 1000], sender=admin)
    expected = set(Message.objects.filter(campaign=campaign).values_list("message_id", flat=True))
    rng = random.Random(11)

    def received() -> int:
        return sum(1 for mid in sink_ids(log_path) if mid in expected)

    for kill in range(kills):
        worker = start_worker()
        before = received()
        deadline = time.monotonic() + 60
        while received() == before and time.monotonic() < deadline:  # wait until it sends
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.0))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        print(f"  kill {kill + 1:2d}: {received():6d} of {count} received", flush=True)
    worker = start_worker()
    while open_rows(campaign).exists():
        time.sleep(0.5)
    time.sleep(0.5)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    counts = Counter(mid for mid in sink_ids(log_path) if mid in expected)
    return {
        "expected": len(expected),
        "received_distinct": len(counts),
        "lost": len(expected - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values()),
        "not_sent_in_db": Message.objects.filter(campaign=campaign).exclude(state="sent").count(),
    }


def start_worker() -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "talentloop"), "worker", "--interval", "0.2"]
    return subprocess.Popen(
        command, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--sink":
        run_sink(int(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000, help="render + enqueue")
    parser.add_argument("--send", type=int, default=0, help="send-rate sample (default: all)")
    parser.add_argument("--crash-messages", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8, help="sending connections per worker")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="send-rate phase through N `talentloop worker` processes (0: threads in this process)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (an existing, empty database)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["TALENTLOOP_OUTREACH_SEND_CONCURRENCY"] = str(args.concurrency)
    with tempfile.TemporaryDirectory(prefix="talentloop-bench-send-") as folder:
        setup_django(args.database_url, folder)
        from talentloop.outreach.tests.smtp_sink import free_port

        port = free_port()
        log_path = Path(folder) / "sink.log"
        log_path.touch()
        sink = start_sink(port, log_path)
        try:
            run(args, port, log_path, sink)
        finally:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=10)


def run(args: argparse.Namespace, port: int, log_path: Path, sink: subprocess.Popen[str]) -> None:
    from django.db import connection

    people = max(args.messages, args.crash_messages)
    started = time.perf_counter()
    admin, mailbox, template = seed(people, port)
    print(
        f"seeded {people:,} people in {time.perf_counter() - started:.1f}s ({connection.vendor})",
        flush=True,
    )
    campaign, queued, enqueue_s = phase_enqueue(admin, mailbox, template)
    print(f"render+enqueue: {queued:,} messages in {enqueue_s:.1f}s", flush=True)
    count = args.send or queued
    baseline, ours = phase_rates(campaign, count, port, args.workers, sink)
    print(
        f"send rate ({count:,} messages): smtplib {baseline:,.0f}/s, talentloop {ours:,.0f}/s",
        flush=True,
    )
    crash = {}
    if args.kills and args.crash_messages:
        crash = phase_crash(admin, mailbox, template, args.crash_messages, args.kills, log_path)
    report(
        connection.vendor,
        queued,
        enqueue_s,
        count,
        baseline,
        ours,
        args.kills * args.concurrency,
        crash,
        args.concurrency,
        args.workers,
    )


def report(
    vendor: str, queued: int, enqueue_s: float, count: int, baseline: float, ours: float,
    bound: int, crash: dict[str, int], concurrency: int, workers: int,
) -> None:  # fmt: skip
    print()
    cores = os.cpu_count()
    print(
        f"machine: {platform.machine()} {cores} cores, Python {platform.python_version()}, {vendor}"
    )
    print("| measure | talentloop | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    ok = enqueue_s <= TARGET_ENQUEUE_S * queued / 100_000
    print(
        f"| render+enqueue {queued:,} | {enqueue_s:.1f} s | - | {queued / enqueue_s:,.0f} msg/s"
        f" | <= 60 s per 100k ({'ok' if ok else 'MISSED'}) |"
    )
    ratio = ours / baseline
    senders = (
        f"{workers} worker processes x {concurrency} connections"
        if workers
        else f"{concurrency} connections, in-process"
    )
    print(
        f"| send {count:,} to aiosmtpd ({senders}) | {ours:,.0f} msg/s"
        f" | {baseline:,.0f} msg/s (smtplib, 1 connection) | {ratio:.2f}"
        f" | >= 0.50 ({'ok' if ratio >= TARGET_RATIO else 'MISSED'}) |"
    )
    if crash:
        kills = bound // concurrency
        ok = crash["lost"] == 0 and crash["duplicates"] <= bound
        print(
            f"| crash: {kills} x kill -9, {crash['expected']:,} messages"
            f" | lost {crash['lost']}, duplicates {crash['duplicates']} | - | -"
            f" | lost 0, dup <= {kills} x {concurrency} = {bound} ({'ok' if ok else 'MISSED'}) |"
        )


if __name__ == "__main__":
    main()
