"""The page's state (what travels over the websocket) holds only what the user has seen."""

from __future__ import annotations

import json

from onlyjobless.services.curated import get_curated_bank
from onlyjobless.services.hub import Services
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.chat.state import ChatState
from tests.support.fake_ollama import FakeOllama
from tests.support.fake_ollama_script import Reply
from tests.support.reflex_tab import Tab
from tests.support.ui_scenarios import user_of


async def _whole_state(tab: Tab) -> str:
    """Every var of every state of the tab, as the websocket could carry them."""
    root = (await tab.state(ChatState))._get_root_state()
    return json.dumps(root.dict(), ensure_ascii=False, default=str)


async def test_no_state_var_holds_key_points_or_unrequested_answers(
    tab: Tab, services: Services, fake_ollama: FakeOllama
) -> None:
    bank = get_curated_bank().get("devops", "en")
    assert bank is not None
    user_id = await user_of(tab, services)
    view = await services.interviews.start(user_id, "devops", "en")
    await tab.load(f"/chat/{view.chat.id}")
    fake_ollama.script(Reply(text="Think about what a layer caches."))
    await (await tab.send(ChatState.run_hint)).wait_all()
    assert not (await tab.state(Live)).on

    state = await _whole_state(tab)
    assert bank[0].text in state  # the requested hint stays in the page (streamed), not in the state
    secrets = {text for q in bank for text in (*q.key_points, q.hint, q.model_answer)}
    secrets |= {q.text for q in bank[1:]}
    assert sorted(s for s in secrets if s in state) == []
