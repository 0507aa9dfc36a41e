"""What several benchmarks share: run as `python bench/NAME.py`, they import it from here."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def ensure_postgres_database(url: str) -> None:
    """Create the URL's database when it does not exist yet; never drops anything."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
