"""Hygiene records."""

from __future__ import annotations
