"""Unsafe production settings refuse to start; the documented ones pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
GOOD_SECRET = "x7Qp-" + "k" * 20 + "Z9mW_" + "r" * 25  # 55 characters, not the default
IMPORT_SETTINGS = "import django; django.setup(); print('settings loaded')"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TALENTLOOP_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    clean.update(
        DJANGO_SETTINGS_MODULE="talentloop.config.settings",
        TALENTLOOP_DATA_DIR=str(Path(os.environ.get("TMPDIR", "/tmp")) / "tl-settings-test"),
        **env,
    )
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=REPO, capture_output=True, text=True, timeout=120
    )


def _production(**overrides: str) -> dict[str, str]:
    env = {
        "TALENTLOOP_PRODUCTION": "1",
        "TALENTLOOP_SECRET_KEY": GOOD_SECRET,
        "TALENTLOOP_ALLOWED_HOSTS": "talent.example.com",
    }
    env.update(overrides)
    return env


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"TALENTLOOP_DEBUG": "1"}, "TALENTLOOP_DEBUG must be off"),
        ({"TALENTLOOP_SECRET_KEY": ""}, "TALENTLOOP_SECRET_KEY must be set"),
        ({"TALENTLOOP_SECRET_KEY": "short-secret"}, "TALENTLOOP_SECRET_KEY must be set"),
        ({"TALENTLOOP_ALLOWED_HOSTS": ""}, "TALENTLOOP_ALLOWED_HOSTS must list"),
        ({"TALENTLOOP_ALLOWED_HOSTS": "*"}, "TALENTLOOP_ALLOWED_HOSTS must list"),
    ],
    ids=["debug-on", "no-secret", "short-secret", "no-hosts", "any-host"],
)
def test_production_refuses_to_start_with_unsafe_settings(overrides, complaint):
    env = _production(**overrides)
    if overrides.get("TALENTLOOP_SECRET_KEY") == "":
        del env["TALENTLOOP_SECRET_KEY"]  # the embedded default secret applies

    result = _run(["-c", IMPORT_SETTINGS], **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_starts_with_the_documented_settings():
    result = _run(["-c", IMPORT_SETTINGS], **_production())

    assert result.returncode == 0, result.stderr
    assert "settings loaded" in result.stdout


def test_documented_production_settings_pass_djangos_deploy_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **_production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_boolean_is_refused_with_its_name():
    result = _run(["-c", IMPORT_SETTINGS], TALENTLOOP_DEBUG="maybe")

    assert result.returncode != 0
    assert "TALENTLOOP_DEBUG must be one of" in result.stderr
