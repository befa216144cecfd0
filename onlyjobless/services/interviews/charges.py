"""What a generation costs: taken from the user's daily budget once its stream holds the user's lease,
and given back when the LLM wrote nothing of it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from onlyjobless.services.interviews.views import Done, Event, Failed
from onlyjobless.services.quota import Budget


class Charge:
    """One generation's take from the budget, made by its stream once it holds the user's lease."""

    def __init__(self, budget: Budget, user_id: uuid.UUID, *, refuse: bool) -> None:
        self._budget = budget
        self._user_id = user_id
        self._refuse = refuse  # past the budget: refuse (429), or run uncounted (Finish)
        self.spent = False

    async def __call__(self) -> None:
        if self._refuse:
            await self._budget.consume(self._user_id)
            self.spent = True
        else:
            self.spent = await self._budget.spend(self._user_id)

    async def give_back(self) -> None:
        self.spent = False
        await self._budget.refund(self._user_id)


async def charged(charge: Charge, events: AsyncIterator[Event]) -> AsyncIterator[Event]:
    """Relay a generation; what it took is given back to the budget if the LLM wrote nothing
    of it (served offline from the bank, refused as busy, failed before any text)."""
    wrote = True
    try:
        async for event in events:
            if (isinstance(event, Done) and event.offline) or (
                isinstance(event, Failed) and event.partial is None
            ):
                wrote = False
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:  # closing this relay closes the generation at once (its lease)
            await close()
        if charge.spent and not wrote:
            await charge.give_back()
