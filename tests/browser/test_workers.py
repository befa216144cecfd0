"""The chat page on two workers behind nginx: the worker that streams a hint is killed mid-stream.

The page's websocket reconnects through nginx to the other worker, which loads the chat from the
shared stores: the history is all there, the buttons are free, the cut hint is marked once the
dead worker's lease missed its renewals, and the hint asked again at once is stored once. (The
running line's own recovery, for a tab that keeps its state, is tested in
tests/integration/ui/test_streaming.py.)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from onlyjobless import i18n
from tests.browser.helpers import long_answer, register, start_interview
from tests.support import databases
from tests.support.app_process import RunningApp
from tests.support.cluster import Cluster, cluster
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.mongo_server import MongoServer

HINT = "Start from what the interviewer asked, then give one concrete example."


@pytest.fixture(scope="module")
def two_workers(
    tmp_path_factory: pytest.TempPathFactory, fake_ollama_server: FakeOllama
) -> Iterator[Cluster]:
    database = f"onlyjobless_browser_scale_{uuid.uuid4().hex[:8]}"
    sql = databases.postgres_url(database)
    try:
        with MongoServer() as mongo:
            overrides = {
                "ONLYJOBLESS_ENV": "test",
                "DATABASE_URL": sql,
                "MONGODB_URL": mongo.url,
                "JWT_SECRET": uuid.uuid4().hex * 2,
                "OLLAMA_HOST": fake_ollama_server.url,
                "LLM_FIRST_TOKEN_TIMEOUT": "10",
                "LLM_TOTAL_TIMEOUT": "60",
                "GENERATION_LEASE_SECONDS": "2",
            }
            with cluster(tmp_path_factory.mktemp("browser-cluster"), overrides, workers=2) as running:
                yield running
    finally:
        databases.drop_postgres(database)


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Two workers, PostgreSQL, Redis and nginx on two shared cores: a sign-up can take seconds."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def app_server(two_workers: Cluster) -> RunningApp:
    """The browser fixtures' app is the cluster, reached through nginx."""
    first = two_workers.workers[0].process
    assert first is not None
    return RunningApp(url=two_workers.url, data_dir=two_workers.folder, env=two_workers.env, pgid=first.pid)


def test_killing_the_worker_that_streams_a_hint_loses_nothing(
    page: Page, two_workers: Cluster, fake_ollama_server: FakeOllama
) -> None:
    register(page, "scale")
    start_interview(page, "Python developer")
    box = page.get_by_test_id("answer")
    box.fill(long_answer("python"))
    box.press("Enter")
    expect(box).to_have_value("")
    expect(page.get_by_test_id("message-answer")).to_have_count(1)
    questions = page.get_by_test_id("message-question").count()

    fake_ollama_server.script(Reply(text="word " * 400, tokens_per_second=10))
    page.get_by_test_id("hint").click()
    expect(page.locator("#oj-live")).to_contain_text("word")
    victim = two_workers.owning(fake_ollama_server.chat_requests[-1].client_port)
    victim.kill()

    # The page reconnects through nginx to the survivor. Reflex finds the dead worker's socket
    # record for this tab still in Redis and gives the tab a new token (a fresh tab state), so
    # the page loads again from the stores: the whole history, no running line, buttons free.
    expect(page.get_by_test_id("streaming")).to_have_count(0)
    expect(page.get_by_test_id("hint")).to_be_enabled()
    expect(page.get_by_test_id("message-answer")).to_have_count(1)
    expect(page.get_by_test_id("message-question")).to_have_count(questions)

    # Once the dead worker's lease has missed its renewals, the page (which watches a stream it
    # did not start) shows the cut hint marked in its place.
    cut = page.locator("[data-cut='true']")
    expect(cut).to_contain_text(i18n.translate("interview.cut_hint", "en"))
    expect(cut).to_have_attribute("data-complete", "false")

    # Asked again at once: the dead worker's lease is taken over, the hint is stored once.
    fake_ollama_server.script(Reply(text=HINT))
    page.get_by_test_id("hint").click()
    complete = page.locator("[data-testid='message-hint'][data-complete='true']")
    expect(complete).to_contain_text(HINT)
    expect(page.get_by_test_id("chat-error")).to_have_count(0)
    expect(page.get_by_test_id("message-hint")).to_have_count(2)  # the cut one, then the hint
    page.reload()  # and after a reload, from the stores: the same history
    expect(complete).to_have_count(1)
    expect(cut).to_have_count(1)
    expect(page.get_by_test_id("message-answer")).to_have_count(1)
    assert re.search(r"/chat/[0-9a-f]+", page.url)

    victim.start()
    victim.wait_ready()
