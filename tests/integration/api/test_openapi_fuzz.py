"""Schemathesis against the whole API as a signed-in user: no server error, no response that
the OpenAPI document does not describe. Both databases; a bounded number of examples."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from onlyjobless.api.app import create_api
from onlyjobless.services.hub import Services
from tests.support.api_client import PASSWORD
from tests.support.fuzz import fuzz

EXAMPLES = 6  # per operation and mode (valid, invalid): about a minute, even on a busy machine


# PostgreSQL only (it refuses more than SQLite: NUL, lengths); SQLite would double the time.
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_every_operation_answers_as_documented(services: Services) -> None:
    app = create_api(services)
    with TestClient(app) as client:
        body = {"username": "fuzzer", "password": PASSWORD}
        assert client.post("/api/auth/register", json=body).status_code == 201
        tokens = client.post("/api/auth/login", json=body).json()
    report = fuzz(app, {"Authorization": f"Bearer {tokens['access_token']}"}, max_examples=EXAMPLES)
    print(report.summary())
    assert report.operations >= 17
    assert report.examples >= report.operations * 2
    assert report.failures == [], "\n".join(report.failures)
