"""The PostgreSQL session settings Talentloop's connections carry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from talentloop.config import settings as talentloop_settings

URL = "postgres://talentloop@db.example:5432/talentloop"


def session_options(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    monkeypatch.setenv("DATABASE_URL", URL)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    options = talentloop_settings._database()["OPTIONS"]
    assert isinstance(options, dict)
    return str(options["options"])


def test_postgres_connections_turn_jit_off_and_read_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    assert session_options(monkeypatch) == (
        "-c jit=off -c work_mem=64MB -c effective_io_concurrency=64"
    )
    tuned = session_options(
        monkeypatch, TALENTLOOP_PG_WORK_MEM="512kB", TALENTLOOP_PG_IO_CONCURRENCY="0"
    )
    assert tuned == "-c jit=off -c work_mem=512kB -c effective_io_concurrency=0"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TALENTLOOP_PG_WORK_MEM", "64 MB; DROP"),
        ("TALENTLOOP_PG_IO_CONCURRENCY", "1001"),
        ("TALENTLOOP_PG_IO_CONCURRENCY", "-c fsync=off"),
    ],
)
def test_a_bad_session_setting_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        session_options(monkeypatch, **{name: value})


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session settings")
def test_the_live_connection_carries_them() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('effective_io_concurrency')")
        assert cursor.fetchone() == ("off", "64")
