"""Operator commands: `python -m onlyjobless migrate | bank stats | bank refresh`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from onlyjobless.settings import get_settings
from onlyjobless.storage.migrations import upgrade


def _migrate(_args: argparse.Namespace) -> int:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.secret_key()  # generate the secret now, not on the first request
    upgrade(settings.sql_url)
    print("database is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m onlyjobless", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations").set_defaults(run=_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner: Callable[[argparse.Namespace], int] = args.run
    return runner(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
