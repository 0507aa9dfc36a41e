"""API token reads: admins see the workspace's tokens, others their own, outsiders nothing."""

from __future__ import annotations

import pytest

from talentloop.accounts.actions import do_create_api_token
from talentloop.accounts.domain import Scope
from talentloop.accounts.queries import access_api_token, api_tokens
from talentloop.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(personas):
    mine, _ = do_create_api_token(
        actor=None, user=personas.recruiter, name="mine", scopes=[Scope.READ]
    )
    admins, _ = do_create_api_token(
        actor=None, user=personas.admin, name="admin's", scopes=[Scope.ADMIN]
    )
    theirs, _ = do_create_api_token(
        actor=None, user=personas.outsider, name="theirs", scopes=[Scope.READ]
    )
    return mine, admins, theirs


def test_an_admin_sees_every_token_of_the_workspace(personas, tokens):
    mine, admins, _ = tokens

    assert set(api_tokens(personas.admin)) == {mine, admins}


def test_everyone_else_sees_only_their_own(personas, tokens):
    mine, _, _ = tokens

    assert list(api_tokens(personas.recruiter)) == [mine]
    assert list(api_tokens(personas.analyst)) == []


def test_a_token_of_another_workspace_or_user_is_not_found(personas, tokens):
    mine, admins, theirs = tokens

    assert access_api_token(personas.admin, mine.pk) == mine
    with pytest.raises(NotFound):
        access_api_token(personas.admin, theirs.pk)
    with pytest.raises(NotFound):
        access_api_token(personas.recruiter, admins.pk)
