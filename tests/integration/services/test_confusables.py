"""Look-alike usernames are refused at registration and rename, on SQLite and PostgreSQL; the
unique index on the skeleton settles concurrent registrations."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session, select

from onlyjobless.domain.errors import Conflict
from onlyjobless.services.hub import Services
from onlyjobless.storage import users as user_store
from onlyjobless.storage.users import User

PASSWORD = "correct horse battery"
LOOK_ALIKES = ["\u0430lice", "\uff41\uff4c\uff49\uff43\uff45", "al\u0131ce", "ALICE"]


@pytest.mark.parametrize("name", LOOK_ALIKES)
async def test_a_look_alike_of_a_taken_name_cannot_register_or_log_in(services: Services, name: str) -> None:
    await services.accounts.register("alice", PASSWORD, "en")
    with pytest.raises(Conflict) as caught:
        await services.accounts.register(name, PASSWORD, "en")
    expected = "username_taken" if name.casefold() == "alice" else "username_confusable"
    assert caught.value.code == expected
    with Session(services.engine) as session:
        assert session.exec(select(User.username)).all() == ["alice"]


async def test_renaming_to_a_look_alike_is_refused_but_ones_own_is_fine(services: Services) -> None:
    await services.accounts.register("alice", PASSWORD, "en")
    bob = await services.accounts.register("bob", PASSWORD, "en")
    with pytest.raises(Conflict, match="username_confusable"):
        await services.accounts.update_profile(bob.id, username="\u0430lice")
    # Bob may write his own name with other look-alike letters: it is still only his.
    renamed = await services.accounts.update_profile(bob.id, username="b0b")
    assert renamed.username == "b0b"
    with pytest.raises(Conflict, match="username_confusable"):
        await services.accounts.register("bob", PASSWORD, "en")
    # The old skeleton is free again.
    await services.accounts.register("alice2", PASSWORD, "en")
    with Session(services.engine) as session:
        row = session.exec(select(User).where(User.id == bob.id)).one()
        assert row.username_skeleton == "bob"


async def test_the_unique_index_refuses_a_look_alike_that_passed_the_check(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when two registrations check at the same moment: the index alone decides."""
    await services.accounts.register("alice", PASSWORD, "en")
    monkeypatch.setattr(user_store, "_free_name", lambda *args, **kwargs: None)
    with pytest.raises(Conflict, match="username_confusable"):
        await services.accounts.register("al\u0131ce", PASSWORD, "en")
    bob = await services.accounts.register("bob", PASSWORD, "en")
    with pytest.raises(Conflict, match="username_confusable"):
        await services.accounts.update_profile(bob.id, username="\uff41\uff4c\uff49\uff43\uff45")
    with pytest.raises(Conflict):  # both indexes refuse it; the database names one of them
        await services.accounts.update_profile(bob.id, username="Alice")


async def test_concurrent_look_alike_registrations_leave_one_account(services: Services) -> None:
    names = ["alice", *LOOK_ALIKES[:3], "a1ice", "\u0430l\u0456\u0441\u0435"]
    results = await asyncio.gather(
        *(services.accounts.register(name, PASSWORD, "en") for name in names), return_exceptions=True
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(isinstance(r, Conflict) for r in refused), refused
    with Session(services.engine) as session:
        assert len(session.exec(select(User)).all()) == 1
