"""Times in the browser's zone, day headings in the sidebar, and scores as each language writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from onlyjobless import i18n
from onlyjobless.domain.chats import ChatStatus
from onlyjobless.services.interviews import ChatLine
from onlyjobless.ui.local_time import UTC_ZONE, clock_text, day_key, day_text, zone_in, zone_named
from onlyjobless.ui.sidebar import chat_item, grouped

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)  # 01:30 on the 30th in Tokyo
EN, RU = i18n.strings("en"), i18n.strings("ru")


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus", "../../etc/passwd", "x" * 80])
def test_an_unknown_zone_is_utc(name: str | None) -> None:
    assert zone_named(name) is UTC_ZONE


def test_a_known_zone_is_used() -> None:
    assert zone_named("Asia/Tokyo") == TOKYO


def test_the_zone_comes_from_the_cookie_the_page_set() -> None:
    assert zone_in("oj_session=abc; oj_tz=Asia%2FTokyo") == TOKYO  # as encodeURIComponent wrote it
    assert zone_in("oj_tz=Asia/Tokyo") == TOKYO
    assert zone_in("oj_session=abc") is UTC_ZONE
    assert zone_in('oj_tz="unterminated') is UTC_ZONE


def test_days_are_counted_in_the_browsers_zone() -> None:
    late_evening_utc = datetime(2026, 11, 29, 15, 5, tzinfo=UTC)  # 00:05 on the 30th in Tokyo
    assert day_key(late_evening_utc, TOKYO, NOW) == "today"
    assert day_key(late_evening_utc, UTC_ZONE, NOW) == "today"
    assert day_key(datetime(2026, 11, 29, 14, 0, tzinfo=UTC), TOKYO, NOW) == "yesterday"
    assert day_key(datetime(2026, 11, 27, 14, 0, tzinfo=UTC), TOKYO, NOW) == "2026-11-27"
    naive = datetime(2026, 11, 29, 15, 5)  # SQLite gives naive UTC
    assert day_key(naive, TOKYO, NOW) == "today"
    assert clock_text(naive, TOKYO) == "00:05"


def test_day_headings_speak_the_language() -> None:
    assert (day_text("today", EN), day_text("yesterday", RU)) == ("Today", "Вчера")
    assert day_text("2026-11-27", RU) == "27.11.2026"
    assert day_text("2026-11-27", EN) == "Nov 27, 2026"


def test_russian_scores_have_a_decimal_comma() -> None:
    assert i18n.score_text(7.5, RU) == "7,5/10"
    assert i18n.score_text(7.5, EN) == "7.5/10"
    assert i18n.score_text(6.0, RU) == "6/10"


def _line(number: int, created: datetime, score: float | None = None) -> ChatLine:
    status = ChatStatus.FINISHED if score is not None else ChatStatus.ACTIVE
    return ChatLine(
        id=f"chat{number}",
        title=f"Chat {number}",
        vacancy="devops",
        language="ru",
        status=status,
        stale=False,
        created_at=created,
        overall_score=score,
    )


def test_the_sidebar_groups_chats_by_local_day() -> None:
    lines = [
        _line(1, datetime.now(UTC), 8.5),
        _line(2, datetime.now(UTC)),
        _line(3, datetime(2020, 1, 2, 10, 0, tzinfo=UTC)),
        _line(4, datetime(2020, 1, 2, 9, 0, tzinfo=UTC)),
    ]
    items = grouped([chat_item(line, RU, TOKYO) for line in lines], RU)
    assert [item.day for item in items] == ["Сегодня", "", "02.01.2020", ""]
    assert items[0].score == "8,5/10" and items[1].score == ""
    assert (items[0].status, items[1].status) == ("finished", "active")  # the page translates them
    assert items[3].time == "18:00"  # 09:00 UTC is 18:00 in Tokyo
