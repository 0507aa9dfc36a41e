"""Fixtures for recruiting tests: an API client acting as a given persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from talentloop.accounts.models import User
from talentloop.recruiting.tests.api_client import ApiClient, api_client_factory


@pytest.fixture
def api_as() -> Callable[[User], ApiClient]:
    return api_client_factory()
