"""Timestamps in the REST API: one length, UTC, so they compare as text the way they compare as times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pydantic import BaseModel

from onlyjobless.api.fields import Timestamp, utc_text


class Stamped(BaseModel):
    at: Timestamp


def test_a_whole_second_keeps_its_fraction() -> None:
    whole = datetime(2026, 11, 29, 14, 0, 23, tzinfo=UTC)
    later = whole + timedelta(milliseconds=103)
    assert utc_text(whole) == "2026-11-29T14:00:23.000000Z"
    assert utc_text(later) == "2026-11-29T14:00:23.103000Z"
    assert utc_text(whole) < utc_text(later)  # as text '…23Z' would sort after '…23.103000Z'


def test_other_zones_are_given_in_utc_and_naive_times_are_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    assert utc_text(datetime(2026, 11, 29, 17, 0, tzinfo=moscow)) == "2026-11-29T14:00:00.000000Z"
    assert utc_text(datetime(2026, 11, 29, 14, 0)) == "2026-11-29T14:00:00.000000Z"


def test_json_uses_the_fixed_form_and_the_schema_says_date_time() -> None:
    stamped = Stamped(at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert stamped.model_dump_json() == '{"at":"2026-01-02T03:04:05.000000Z"}'
    assert stamped.model_dump()["at"] == stamped.at  # Python callers keep the datetime
    schema = Stamped.model_json_schema(mode="serialization")["properties"]["at"]
    assert (schema["type"], schema["format"]) == ("string", "date-time")
