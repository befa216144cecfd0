"""The app's Reflex states driven in-process, as a browser tab drives them.

Events go through Reflex's own event processor (on_load chains, background tasks, their
cancellation) over an in-memory state manager, with the real services underneath. What the
server sends to the tab (state deltas, values set on elements, redirects) is recorded instead of sent.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import reflex as rx
from reflex.event import Event
from reflex.istate.manager.token import BaseStateToken
from reflex.state import OnLoadInternalState, State
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.event.processor.future import EventFuture
from reflex_base.utils.format import format_event_handler, format_ref

from onlyjobless.services import hub
from onlyjobless.services.hub import Services
from onlyjobless.settings import SESSION_COOKIE
from onlyjobless.ui import routes

S = TypeVar("S", bound=rx.State)


@dataclass
class Sent:
    """Everything the server sent to the tab, in order."""

    deltas: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    async def emit_update(self, update: Any, token: str) -> None:
        self.deltas.append(dict(update.delta))
        self.events.extend(update.events)

    def values(self, element_id: str) -> list[Any]:
        """What rx.set_value gave the page element with this id (the bridge's elements, the answer box)."""
        ref = format_ref(element_id)
        return [
            e.payload.get("value")
            for e in self.events
            if e.name == "_set_value" and e.payload.get("ref") == ref
        ]

    def redirects(self) -> list[str]:
        return [str(e.payload.get("path", "")) for e in self.events if e.name == "_redirect"]


@dataclass
class Tab:
    """One browser tab: its client token, its cookies and the page it shows."""

    processor: BaseStateEventProcessor
    sent: Sent
    cookie: str = ""
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    router_data: dict[str, Any] = field(default_factory=dict)
    ip: str = "127.0.0.1"  # the websocket's peer
    headers: dict[str, str] = field(default_factory=dict)  # more headers of the websocket's request

    def sign_in(self, session_token: str) -> None:
        self.cookie = f"{SESSION_COOKIE}={session_token}"

    async def open(self, path: str) -> EventFuture:
        """Load a page as the browser does: hydrate, then the page's on_load chain."""
        self._route(path)
        return await self.send(State.hydrate_and_load)

    async def load(self, path: str) -> None:
        """Open a page and wait for its whole on_load chain (and what that chain started)."""
        await (await self.open(path)).wait_all()

    async def navigate(self, path: str) -> EventFuture:
        """Follow a link inside the app: the new page's on_load chain supersedes the old one's."""
        self._route(path)
        return await self.send(OnLoadInternalState.on_load_internal)

    def _route(self, path: str) -> None:
        route, query = path.partition("?")[0], {}
        if path.startswith("/chat/"):
            chat_id, _, rest = path.removeprefix("/chat/").partition("/")
            route, query = (routes.REPORT if rest == "report" else routes.CHAT), {"chat_id": chat_id}
        self.router_data = {
            "pathname": route,
            "asPath": path,
            "query": query,
            "headers": {
                "cookie": self.cookie,
                "accept-language": "en",
                "origin": "http://testserver",
                **self.headers,
            },
            "token": self.token,
            "sid": "sid-" + self.token,
            "ip": self.ip,
        }

    async def send(self, handler: Any, **payload: Any) -> EventFuture:
        """Fire an event handler from this tab's current page; the future follows its whole chain."""
        event = Event(name=format_event_handler(handler), payload=payload, router_data=self.router_data)
        return await self.processor.enqueue(self.token, event)

    async def state(self, cls: type[S]) -> S:
        """The tab's instance of a state, as it is now."""
        root = await self.processor._root_context.state_manager.get_state(  # type: ignore[union-attr]
            BaseStateToken(ident=self.token, cls=cls)
        )
        return root.get_substate(cls.get_full_name().split("."))  # type: ignore[return-value]

    async def until(self, check: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
        """Wait for a condition on the tab's states (bounded; the test fails if it never holds)."""
        async with asyncio.timeout(seconds):
            while not await check():  # noqa: ASYNC110 - the states change in other tasks, nothing to await
                await asyncio.sleep(0.02)


@asynccontextmanager
async def app_tab(services: Services, monkeypatch: Any) -> AsyncIterator[Tab]:
    """A tab on the app, its services the test's; the processor and its tasks end with the block."""
    import onlyjobless.onlyjobless  # noqa: F401  (registers the pages and their on_load handlers)

    monkeypatch.setattr(hub, "get_services", lambda: services)
    sent = Sent()
    processor = BaseStateEventProcessor().configure(event_namespace=sent)  # type: ignore[arg-type]
    async with processor:
        yield Tab(processor, sent)
