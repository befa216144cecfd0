"""Operator commands: `python -m onlyjobless migrate | serve | about | health | bank … | keys …`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import sqlalchemy
from sqlalchemy.engine import make_url

from onlyjobless.domain.errors import DatabaseDown
from onlyjobless.settings import Settings, get_settings
from onlyjobless.storage.chats.factory import build_keyring
from onlyjobless.storage.db import wait_for_database
from onlyjobless.storage.migrations import upgrade

LLM_CHECK_SECONDS = 5.0


def _is_new(url: str) -> bool:
    """Whether migrating will create the database: it has no Alembic version table yet."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return not sqlalchemy.inspect(connection).has_table("alembic_version")
    finally:
        engine.dispose()


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _migrate(_args: argparse.Namespace) -> int:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.secret_key()  # generate the secret now, not on the first request
    wait_for_database(settings.sql_url, settings.db_startup_timeout, _say)
    build_keyring(settings)  # and the chat keys (when CHAT_KEYS does not name them)
    new = _is_new(settings.sql_url)
    upgrade(settings.sql_url)
    print("database created" if new else "database is up to date")
    return 0


def _where(url: str) -> str:
    """A server's address without credentials: scheme://host[:port]."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def startup_line(settings: Settings, llm_reachable: bool) -> str:
    """Where the app answers, its data folder, its databases and whether the LLM and model answer."""
    url = os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{settings.port}"
    sql = make_url(settings.sql_url)
    if sql.get_backend_name() == "sqlite":
        database = f"SQLite {sql.database}"
    else:
        database = f"{sql.get_backend_name()} {sql.host}:{sql.port or ''}/{sql.database}"
    mongo = settings.mongodb_url.get_secret_value() if settings.mongodb_url else ""
    chats = "chats in the same database"
    if mongo:
        chats = f"chats in MongoDB {_where(mongo)}/{settings.mongodb_db}"
    state = "reachable" if llm_reachable else "NOT reachable (the built-in question bank stands in)"
    llm = f"LLM {settings.llm_backend} {_where(settings.llm_url)} model {settings.llm_model_name}: {state}"
    return f"OnlyJobless at {url} | data {settings.data_dir.resolve()} | {database}, {chats} | {llm}"


async def _llm_reachable() -> bool:
    from onlyjobless.services.hub import get_services

    try:
        return await asyncio.wait_for(get_services().llm.is_available(), LLM_CHECK_SECONDS)
    except TimeoutError:
        return False


def _about(_args: argparse.Namespace) -> int:
    """The one line `make run` prints before it serves."""
    print(startup_line(get_settings(), asyncio.run(_llm_reachable())), flush=True)
    return 0


def _bank_stats(args: argparse.Namespace) -> int:
    from onlyjobless.services.hub import get_services

    stats = asyncio.run(get_services().bank.stats())
    if args.json:
        print(json.dumps(stats))
    else:
        curated = ", ".join(f"{lang}: {count}" for lang, count in stats["curated"].items())
        print(
            f"vacancies: {stats['vacancies']}\ncurated roles: {curated}\nbank versions: {stats['versions']}"
        )
    return 0


def _bank_refresh(args: argparse.Namespace) -> int:
    from onlyjobless.services.hub import get_services

    bank = get_services().bank
    outcomes = asyncio.run(bank.regenerate_all(args.vacancy, args.language))
    for outcome in outcomes:
        state = f"version {outcome.version_id}" if outcome.ok else f"kept the old version ({outcome.reason})"
        print(f"{outcome.vacancy_slug}/{outcome.language}: {state}")
    if not outcomes:
        print("no bank in use yet; name one with --vacancy")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


def _keys_rotate(_args: argparse.Namespace) -> int:
    """A new chat key, every chat record sealed again under it, the old keys retired."""
    from onlyjobless.storage.chats.rotation import rotate_keys
    from onlyjobless.storage.db import get_engine

    settings = get_settings()
    upgrade(settings.sql_url)
    rotation = asyncio.run(rotate_keys(settings, get_engine(settings.sql_url)))
    print(f"current chat key: {rotation.key_id}; records sealed again: {rotation.resealed}")
    if not rotation.complete:
        print("records kept changing: the old keys are kept; run the rotation again")
        return 1
    if rotation.retired:
        print(f"retired keys: {', '.join(rotation.retired)}")
    elif settings.chat_keys is not None:
        print("every record is sealed with the first key of CHAT_KEYS: the others can be removed")
    return 0


def _keys_new(_args: argparse.Namespace) -> int:
    """Print a fresh CHAT_KEYS entry (to put first in CHAT_KEYS before `keys rotate`)."""
    from onlyjobless.storage.chats.crypto import format_keys, new_key, new_key_id

    key_id = new_key_id()
    print(format_keys({key_id: new_key()}, key_id))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Migrate, then become the Reflex production server (one port: frontend, websocket, API)."""
    _migrate(args)
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--loglevel", "warning"]
    if args.prebuilt:  # the image's command: the frontend was built with the image
        command = [sys.executable, "-m", "onlyjobless.ui.serving"]
    os.execv(command[0], command)  # noqa: S606 - replaces this process by design
    return 0  # pragma: no cover - execvp does not return


def _health(args: argparse.Namespace) -> int:
    """Exit 0 when the app can serve (SQL database and chat store up; the LLM may be down).

    By default the local server is asked (its /api/health runs the services' check): that is
    the container's health check. --direct runs the same check from this process instead.
    """
    if args.direct:
        from onlyjobless.services.hub import get_services

        report = asyncio.run(get_services().health())
        parts = {"database": report.database, "chat_store": report.chat_store, "llm": report.llm}
        line = ", ".join(f"{name} {state}" for name, state in parts.items())
        print(f"{report.status}: {line}" + (f" (down: {', '.join(report.down)})" if report.down else ""))
        return 0 if report.serving else 1
    url = f"http://127.0.0.1:{get_settings().port}/api/health"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        print(f"the server at {url} does not answer ({type(exc).__name__})")
        return 1
    print(body.decode("utf-8", "replace").strip() or status)
    return 0 if status == 200 else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m onlyjobless", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations").set_defaults(run=_migrate)
    serve = commands.add_parser("serve", help="migrate and serve the production build")
    serve.add_argument(
        "--prebuilt", action="store_true", help="serve the frontend `reflex export` built, no rebuild"
    )
    serve.set_defaults(run=_serve)
    about = commands.add_parser("about", help="one line: the URL, data folder, databases and the LLM")
    about.set_defaults(run=_about)
    health = commands.add_parser("health", help="check the local server's health")
    health.add_argument(
        "--direct", action="store_true", help="check the database, chat store and LLM from here"
    )
    health.set_defaults(run=_health)
    bank = commands.add_parser("bank", help="the shared question bank").add_subparsers(
        dest="action", required=True
    )
    stats = bank.add_parser("stats", help="catalogue size, curated roles, stored versions")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(run=_bank_stats)
    refresh = bank.add_parser("refresh", help="regenerate banks now (all in use, or the ones named)")
    refresh.add_argument("--vacancy", help="a vacancy slug, e.g. backend-python")
    refresh.add_argument("--language", help="a language code, e.g. en")
    refresh.set_defaults(run=_bank_refresh)
    keys = commands.add_parser("keys", help="the keys that encrypt chat contents").add_subparsers(
        dest="action", required=True
    )
    keys.add_parser("rotate", help="a new key; re-encrypt every chat; retire the old keys").set_defaults(
        run=_keys_rotate
    )
    keys.add_parser("new", help="print a new CHAT_KEYS entry").set_defaults(run=_keys_new)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner: Callable[[argparse.Namespace], int] = args.run
    try:
        return runner(args)
    except DatabaseDown as exc:
        # One line, no traceback: the attempts above said what was tried.
        timeout = get_settings().db_startup_timeout
        _say(
            f"error: the SQL database cannot be reached ({exc.cause}); check DATABASE_URL and the "
            f"server (waited up to DB_STARTUP_TIMEOUT={timeout:g} s at start)"
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
