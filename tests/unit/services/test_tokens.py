"""Access tokens: what they carry, and every forgery refused."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from onlyjobless.domain.errors import Unauthorized
from onlyjobless.services.tokens import TokenConfig, create_access_token, read_access_token

CONFIG = TokenConfig(secret="k" * 40, issuer="onlyjobless", audience="onlyjobless-api", access_minutes=15)
USER, SESSION = uuid.uuid4(), uuid.uuid4()


def _claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": CONFIG.issuer,
        "aud": CONFIG.audience,
        "sub": str(USER),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "x",
        "typ": "access",
        "sid": str(SESSION),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_round_trip_carries_user_session_and_required_claims() -> None:
    token, lifetime = create_access_token(CONFIG, USER, SESSION)
    assert lifetime == 900
    claims = read_access_token(CONFIG, token)
    assert (claims.user_id, claims.session_id) == (USER, SESSION)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    raw = jwt.decode(token, options={"verify_signature": False})
    assert {"iss", "aud", "sub", "exp", "iat", "jti", "typ", "sid"} <= raw.keys()


def _unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        text = json.dumps(data, default=lambda v: int(v.timestamp())).encode()
        return base64.urlsafe_b64encode(text).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda: _unsigned(_claims()), id="alg-none"),
        pytest.param(lambda: jwt.encode(_claims(), "w" * 40, algorithm="HS256"), id="wrong-key"),
        pytest.param(
            lambda: jwt.encode(_claims(exp=datetime.now(UTC) - timedelta(seconds=5)), CONFIG.secret),
            id="expired",
        ),
        pytest.param(lambda: jwt.encode(_claims(aud="someone-else"), CONFIG.secret), id="wrong-audience"),
        pytest.param(lambda: jwt.encode(_claims(iss="evil"), CONFIG.secret), id="wrong-issuer"),
        pytest.param(lambda: jwt.encode(_claims(typ="refresh"), CONFIG.secret), id="refresh-as-access"),
        pytest.param(lambda: jwt.encode(_claims(jti=None), CONFIG.secret), id="missing-jti"),
        pytest.param(lambda: jwt.encode(_claims(sub="not-a-uuid"), CONFIG.secret), id="bad-subject"),
        pytest.param(lambda: jwt.encode(_claims(), CONFIG.secret, algorithm="HS512"), id="other-algorithm"),
        pytest.param(lambda: "not.a.token", id="garbage"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: 12345, id="not-a-string"),
    ],
)
def test_forged_tokens_are_refused(forged) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Unauthorized) as caught:
        read_access_token(CONFIG, forged())
    assert caught.value.code == "token_invalid"
