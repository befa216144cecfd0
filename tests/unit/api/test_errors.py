"""The one table that gives each kind of refusal its HTTP status."""

from __future__ import annotations

import pytest

from onlyjobless import i18n
from onlyjobless.api.errors import status_of
from onlyjobless.domain.errors import (
    ChatStoreDown,
    Conflict,
    InvalidInput,
    NotFound,
    ServiceError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("answer_empty"), 422),
        (Unauthorized("token_invalid"), 401),
        (NotFound("not_found"), 404),
        (Conflict("chat_busy"), 409),
        (TooManyRequests("quota_exhausted", retry_after=5), 429),
        (Unavailable("bank_unavailable"), 503),
        (ChatStoreDown("ServerSelectionTimeoutError"), 503),  # the nearest class decides
        (ServiceError("bad_request"), 400),
    ],
)
def test_status_of_each_refusal(error: ServiceError, status: int) -> None:
    assert status_of(error) == status


def test_the_domain_errors_carry_no_http_status() -> None:
    assert not hasattr(InvalidInput("x"), "status")


def test_error_message_translates_a_refusal_or_a_code() -> None:
    refusal = InvalidInput("answer_too_long", max=4000)
    assert "4000" in i18n.error_message(refusal, "en")
    assert i18n.error_message(refusal, "ru") != i18n.error_message(refusal, "en")
    assert i18n.error_message("internal", "en") == i18n.translate("error.internal", "en")
