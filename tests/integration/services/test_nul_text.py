"""The services refuse text with NUL themselves (the UI calls them without the REST schemas)."""

from __future__ import annotations

import pytest

from onlyjobless.domain.errors import InvalidInput
from onlyjobless.services.hub import Services

PASSWORD = "correct horse battery"


async def test_accounts_refuse_nul_in_every_text(services: Services) -> None:
    accounts = services.accounts
    with pytest.raises(InvalidInput) as caught:
        await accounts.register("al\x00ice", PASSWORD, "en")
    assert caught.value.code == "text_nul"
    for call in (
        accounts.register("alice", PASSWORD + "\x00", "en"),
        accounts.login("alice\x00", PASSWORD, "127.0.0.1"),
        accounts.login_ticket("alice", "\x00" + PASSWORD, "127.0.0.1"),
    ):
        with pytest.raises(InvalidInput, match="text_nul"):
            await call
    user = await accounts.register("alice", PASSWORD, "en")
    for call in (
        accounts.update_profile(user.id, username="bo\x00b"),
        accounts.update_profile(user.id, preferred_language="r\x00u"),
        accounts.change_password(user.id, PASSWORD, "another\x00 long password"),
        accounts.change_password(user.id, PASSWORD + "\x00", "another long password"),
    ):
        with pytest.raises(InvalidInput, match="text_nul"):
            await call
    assert (await accounts.get_user(user.id)).username == "alice"
    await accounts.login("alice", PASSWORD, "127.0.0.1")  # the password did not change


async def test_interviews_refuse_nul_in_every_text(services: Services) -> None:
    user = await services.accounts.register("alice", PASSWORD, "en")
    interviews = services.interviews
    for call in (
        interviews.start(user.id, "python\x00", "en"),
        interviews.answer(user.id, "0" * 32, "an\x00swer"),
        interviews.view(user.id, "0" * 31 + "\x00"),
        interviews.list_chats(user.id, cursor="\x00"),
    ):
        with pytest.raises(InvalidInput, match="text_nul"):
            await call
    assert (await interviews.list_chats(user.id)).items == []


async def test_the_services_refuse_a_lone_surrogate_as_the_ui_may_send_one(services: Services) -> None:
    """A browser's JSON.stringify sends a lone surrogate as `\\ud800`; it cannot be encoded to be
    hashed, sealed or stored, so the services refuse it rather than fail on it."""
    user = await services.accounts.register("alice", PASSWORD, "en")
    for call in (
        services.accounts.register("bob", PASSWORD + "\ud800", "en"),
        services.accounts.login("alice", "\udfff" + PASSWORD, "127.0.0.1"),
        services.accounts.change_password(user.id, PASSWORD, "another long password \ud83d"),
        services.interviews.start(user.id, "python \ud800", "en"),
        services.interviews.answer(user.id, "0" * 32, "an\udc00swer"),
    ):
        with pytest.raises(InvalidInput, match="text_surrogate"):
            await call
    assert (await services.interviews.list_chats(user.id)).items == []
