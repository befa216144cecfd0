"""How the Mongo chat store reaches its server: a pymongo client it can replace.

pymongo drops a server from a replica-set topology when that server answers as something else
(a wire-compatible server shutting down may answer as a standalone, a member may name another
set). A client whose only seed was dropped never looks for a server again, however long the
server has been back: every call times out until the process restarts. The store asks
`stranded` after a call found no server and, when it is, takes a fresh client from the
`Connector`; the old one is closed once the calls still waiting on it have timed out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pymongo.monitoring import ServerDescriptionChangedEvent, ServerListener


class Reconnects(ServerListener):
    """Calls `back` when a server comes back after being out of reach (pymongo's monitor)."""

    def __init__(self) -> None:
        self.back: Callable[[], None] | None = None

    def opened(self, event: object) -> None:
        return None

    def closed(self, event: object) -> None:
        return None

    def description_changed(self, event: ServerDescriptionChangedEvent) -> None:
        came_back = (
            event.new_description.is_server_type_known and not event.previous_description.is_server_type_known
        )
        if came_back and self.back is not None:
            self.back()


class Connector:
    """Builds the store's database handle, each time on a new client of the same URL."""

    def __init__(self, client_class: Callable[..., Any], url: str, database: str, timeout_ms: int) -> None:
        self._client_class = client_class
        self._url = url
        self._database = database
        self._timeout_ms = timeout_ms
        self.reconnects = Reconnects()
        # Calls on a replaced client wait at most one server selection; close it after that.
        self.grace_seconds = 2 * timeout_ms / 1000 + 1

    def database(self) -> Any:
        """The database on a new client; it connects lazily, in the background."""
        client = self._client_class(
            self._url,
            serverSelectionTimeoutMS=self._timeout_ms,
            connectTimeoutMS=self._timeout_ms,
            tz_aware=True,
            uuidRepresentation="standard",
            event_listeners=[self.reconnects],
        )
        return client[self._database]

    def retire(self, client: Any) -> None:
        """Close a replaced client once no call can still be waiting on it."""
        timer = threading.Timer(self.grace_seconds, client.close)
        timer.daemon = True
        timer.start()


def stranded(client: Any) -> bool:
    """True when the client's topology has no server left to try (it would never find one)."""
    description = getattr(client, "topology_description", None)
    return description is not None and not description.server_descriptions()
