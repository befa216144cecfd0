"""Every language's data, read once from onlyjobless/data/lang/<code>/ and validated.

The folders are the one list of supported languages: adding a language is adding a folder that
holds every file of models.FILES. Each file is validated by its model, and across languages
every file has the same keys and every template the same {placeholders}, so a broken or
incomplete language fails at start, not in the middle of an interview.

Modules that derive something from the data (compiled patterns, word sets) wrap it in
@derived, so that pointing the loader at another folder (tests do) forgets it as well.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from pydantic import BaseModel, ValidationError

from onlyjobless.i18n.models import FILES, TEMPLATES

LANG_DIR = Path(__file__).resolve().parent.parent / "data" / "lang"
DEFAULT_LANGUAGE = "en"  # the fallback of every lookup: its folder must exist

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class LanguageDataError(RuntimeError):
    """A language folder lacks a file, or a file does not match its model or the other languages."""


class UnsupportedLanguage(ValueError):
    """A language code with no folder."""

    def __init__(self, language: object) -> None:
        super().__init__(f"unsupported language: {language!r}")


@dataclass(frozen=True)
class _Loaded:
    codes: tuple[str, ...]
    files: dict[tuple[str, type[BaseModel]], BaseModel]


class _Source:
    """Where the data is read from, and what to forget when that changes."""

    def __init__(self) -> None:
        self.folder = LANG_DIR
        self.forget: list[Callable[[], None]] = []

    def point_at(self, folder: Path) -> None:
        self.folder = folder
        _loaded.cache_clear()
        for forget in self.forget:
            forget()


_source = _Source()


def _read(folder: Path, model: type[BaseModel]) -> BaseModel:
    path = folder / FILES[model]
    try:
        return model.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise LanguageDataError(f"{path} is missing: every language needs {FILES[model]}") from None
    except ValidationError as exc:
        raise LanguageDataError(f"{path} does not match {model.__name__}: {exc}") from None


def placeholders(template: str) -> frozenset[str]:
    """The {names} a str.format template fills ("" for a positional {})."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)
    except ValueError as exc:
        raise LanguageDataError(f"malformed template {template!r}: {exc}") from None


def _compare(model: type[BaseModel], code: str, value: BaseModel, reference: BaseModel) -> None:
    """The same keys as the default language, and in templates the same placeholders."""
    mine, theirs = value.model_dump(), reference.model_dump()
    where = f"{code}/{FILES[model]}"
    if set(mine) != set(theirs):
        missing, extra = sorted(set(theirs) - set(mine)), sorted(set(mine) - set(theirs))
        raise LanguageDataError(
            f"{where}: keys differ from {DEFAULT_LANGUAGE} (missing {missing}, extra {extra})"
        )
    if model in TEMPLATES:
        for key, text in mine.items():
            if isinstance(text, str) and placeholders(text) != placeholders(theirs[key]):
                raise LanguageDataError(f"{where}: {key!r} has other placeholders than in {DEFAULT_LANGUAGE}")


@functools.cache
def _loaded() -> _Loaded:
    folder = _source.folder
    codes = tuple(sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name[0] not in "._"))
    if DEFAULT_LANGUAGE not in codes:
        raise LanguageDataError(f"{folder} has no {DEFAULT_LANGUAGE!r} folder, the fallback language")
    files = {(code, model): _read(folder / code, model) for code in codes for model in FILES}
    for code in codes:
        for model in FILES:
            _compare(model, code, files[code, model], files[DEFAULT_LANGUAGE, model])
    return _Loaded(codes, files)


def codes() -> tuple[str, ...]:
    """The supported language codes: the folders, sorted."""
    return _loaded().codes


def text(model: type[M], language: str) -> M:
    """One language's file, validated; an unknown language is an UnsupportedLanguage error."""
    try:
        return cast(M, _loaded().files[language, model])
    except KeyError:
        if model not in FILES:
            raise LookupError(f"{model.__name__} is not a language file (see models.FILES)") from None
        raise UnsupportedLanguage(language) from None


def every(model: type[M]) -> dict[str, M]:
    """One file of every language, by code."""
    return {code: text(model, code) for code in codes()}


def derived(function: Callable[[], T]) -> Callable[[], T]:
    """Compute once from the data, again after the loader is pointed elsewhere."""
    cached = functools.cache(function)
    _source.forget.append(cached.cache_clear)
    return cached


def on_reload(forget: Callable[[], None]) -> None:
    """Call `forget` (e.g. a cache's cache_clear) whenever the loader is pointed elsewhere."""
    _source.forget.append(forget)


@contextmanager
def folder(path: Path) -> Iterator[Path]:
    """Read the languages from another folder while the block runs (a language added as files)."""
    previous = _source.folder
    _source.point_at(path)
    try:
        yield path
    finally:
        _source.point_at(previous)
