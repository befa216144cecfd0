"""The image as shipped: built here, run on the host network with a named volume for /data."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.helpers import register
from tests.support.api_client import Client, long_answer, sign_in
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.containers import docker, running_container
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.llm_replies import evaluation_replies

pytestmark = pytest.mark.container

IMAGE_BUDGET_BYTES = 600_000_000


def app_env(fake_ollama: FakeOllama) -> dict[str, str]:
    """Production settings, the Ollama double on the host, no scheduler."""
    return {
        "OLLAMA_HOST": fake_ollama.url,
        "SCHEDULER_ENABLED": "false",
        "LLM_FIRST_TOKEN_TIMEOUT": "10",
        "LLM_TOTAL_TIMEOUT": "60",
    }


def test_image_is_lean_runs_unprivileged_and_serves_the_prebuilt_frontend(image: str) -> None:
    config = json.loads(docker("image", "inspect", "--format", "{{json .Config}}", image).stdout)
    assert config["Cmd"] == ["python", "-m", "onlyjobless", "serve", "--prebuilt"]
    assert config["User"] == "10001:10001"
    assert "/data" in config["Volumes"]
    assert config["Healthcheck"]["Test"] == ["CMD", "python", "-m", "onlyjobless", "health"]
    size = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    assert size <= IMAGE_BUDGET_BYTES, f"{size / 1e6:.0f} MB"

    probe = (
        "id -u; "
        "for tool in node npm bun gcc cc make; do command -v $tool || true; done; "
        "test -f /app/.web/build/client/index.html && echo built; "
        "test -d /app/.web/node_modules && echo node_modules; "
        "touch /app/x 2>/dev/null && echo app-writable; "
        "touch /data/x && echo data-writable"
    )
    out = docker("run", "--rm", "--network", "host", "--entrypoint", "sh", image, "-c", probe).stdout
    assert out.split() == ["10001", "built", "data-writable"]


async def test_rest_journey_then_restart_keeps_account_and_chat(image: str, fake_ollama: FakeOllama) -> None:
    with running_container(image, app_env(fake_ollama)) as container:
        assert container.exec("python", "-m", "onlyjobless", "health").returncode == 0  # the HEALTHCHECK
        async with httpx.AsyncClient(base_url=container.url, timeout=60) as api:
            alice = await sign_in(api, "container_alice")
            started = await alice.start("python developer")
            assert started.status_code == 201, started.text
            chat_id = started.json()["id"]
            for number in range(2):
                answered = await alice.post(
                    f"/api/chats/{chat_id}/answer", json={"content": long_answer(f"q{number}")}
                )
                assert answered.status_code == 200, answered.text

            fake_ollama.script(Reply(text="Think about what the interpreter does with threads."))
            status, events = await alice.events(f"/api/chats/{chat_id}/hint")
            assert status == 200 and events[-1][0] == "done", events
            hint = "".join(event["text"] for name, event in events if name == "delta")
            assert hint == "Think about what the interpreter does with threads."

            fake_ollama.script(*evaluation_replies([8, 5], chunk_size=40))
            status, events = await alice.events(f"/api/chats/{chat_id}/finish")
            assert status == 200 and sum(name == "row" for name, _ in events) == 2  # it streamed row by row
            name, done = events[-1]
            assert name == "done", events[-3:]
            assert [question["score"] for question in done["questions"]] == [8, 5] + [None] * 10  # 2 answered
            before = (await alice.get(f"/api/chats/{chat_id}")).json()
            assert before["status"] == "finished"

        container.restart()

        async with httpx.AsyncClient(base_url=container.url, timeout=60) as api:
            same_token = Client(api, alice.headers)  # the JWT secret lives in the volume too
            assert (await same_token.get("/api/me")).json()["username"] == "container_alice"
            tokens = await api.post(
                "/api/auth/login", json={"username": "container_alice", "password": "correct horse battery"}
            )
            assert tokens.status_code == 200, tokens.text
            again = Client(api, {"Authorization": f"Bearer {tokens.json()['access_token']}"})
            assert [chat["id"] for chat in (await again.get("/api/chats")).json()["items"]] == [chat_id]
            after = (await again.get(f"/api/chats/{chat_id}")).json()
            assert after["messages"] == before["messages"]
            assert [message["kind"] for message in after["messages"]][-1] == "evaluation"
            assert "hint" in {message["kind"] for message in after["messages"]}


def test_page_served_from_any_port_talks_to_its_own_server(image: str, fake_ollama: FakeOllama) -> None:
    """The frontend was built once for port 3000; served elsewhere, its websocket follows the page."""
    with running_container(image, app_env(fake_ollama)) as container:
        assert container.port != 3000
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(base_url=container.url)
                context.set_default_timeout(20_000)
                page = context.new_page()
                sockets: list[str] = []
                page.on("websocket", lambda socket: sockets.append(socket.url))
                username = register(page, "container")
                expect(page.get_by_test_id("signed-in-as")).to_contain_text(username)
                assert sockets and all(url.startswith(f"ws://127.0.0.1:{container.port}/") for url in sockets)
            finally:
                browser.close()
