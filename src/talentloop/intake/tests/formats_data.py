"""Where the public format samples live (../shared/data/formats), found from this file."""

from __future__ import annotations

from pathlib import Path

import pytest

FORMATS_DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "formats"
VCARD_DATA = FORMATS_DATA / "vcard"
JSONRESUME_DATA = FORMATS_DATA / "jsonresume"


def files_under(folder: Path) -> list[Path]:
    """Every file of a sample folder (empty when the folder is absent)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def need(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"sample data folder {folder} is absent")
