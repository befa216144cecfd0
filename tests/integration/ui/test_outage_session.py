"""A signed-in user during an SQL outage, driven as a tab drives the pages: a private page that cannot
check the session now stays, says so and tries again by itself, and shows itself once the database
is back (no reload); only a session that is really gone leads to the login page. And the login page
says why when the last step of a login met the outage.

The fault is real: a PostgreSQL database of the test's own that refuses connections.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from onlyjobless import i18n
from onlyjobless.services.hub import Services
from onlyjobless.storage.db import get_engine
from onlyjobless.ui import routes, session
from onlyjobless.ui.live import Live
from onlyjobless.ui.pages.auth import UNAVAILABLE_REASON, AuthFormState
from onlyjobless.ui.pages.chat.state import ChatState
from onlyjobless.ui.pages.new_interview import NewInterviewState
from onlyjobless.ui.pages.personal_data import PersonalDataState
from onlyjobless.ui.pages.progress import ProgressState
from onlyjobless.ui.pages.report.state import ReportState
from onlyjobless.ui.pages.settings import SettingsState
from onlyjobless.ui.session import SessionState
from onlyjobless.ui.sidebar import SidebarState
from tests.support.databases import PostgresOutage
from tests.support.reflex_tab import Tab, app_tab
from tests.support.ui_scenarios import LONG_ANSWER, PASSWORD, user_of


@pytest.fixture
def outage() -> Iterator[PostgresOutage]:
    database = PostgresOutage()
    yield database
    database.up()
    database.close()


@pytest.fixture
def engine(outage: PostgresOutage) -> Engine:
    return get_engine(outage.url)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page tries again every few seconds in the app; here at once, so the tests do not sleep."""
    monkeypatch.setattr(session, "RETRY_DELAYS", (0.05,))


async def signed_in(tab: Tab, services: Services, language: str = "en") -> str:
    user = await services.accounts.register("alice", PASSWORD, language)
    pair = await services.accounts.redeem_ticket(await services.accounts.ticket_for_user(user.id))
    tab.sign_in(pair.refresh_token)
    return pair.refresh_token


async def waiting(tab: Tab) -> bool:
    return (await tab.state(SessionState)).unavailable


async def test_a_private_page_opened_during_an_outage_waits_then_shows_itself(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services)
        outage.down()
        await tab.open(routes.HOME)  # a reload of the home page
        await tab.until(lambda: waiting(tab))
        user = await tab.state(SessionState)
        assert not user.authenticated  # the page shows the outage notice, not itself
        assert tab.sent.redirects() == []  # and stays: not sent to the login page

        outage.up()
        await tab.until(lambda: _authenticated(tab))
        user = await tab.state(SessionState)
        assert user.username == "alice" and not user.unavailable
        await tab.until(lambda: _quota_known(tab))  # the page's own load ran again: the sidebar too
        bar = await tab.state(SidebarState)
        assert (bar.remaining, bar.limit) == (3, 3) and bar.sidebar_error == ""
        assert tab.sent.redirects() == []


async def _authenticated(tab: Tab) -> bool:
    return (await tab.state(SessionState)).authenticated


async def _quota_known(tab: Tab) -> bool:
    return (await tab.state(SidebarState)).quota_known


async def test_every_private_page_waits_the_same_way(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services, "ru")
        await tab.load(routes.SETTINGS)
        assert (await tab.state(SessionState)).authenticated
        outage.down()
        await tab.navigate(routes.PROGRESS)  # a link followed while the database is down
        await tab.until(lambda: waiting(tab))
        assert not (await tab.state(SessionState)).authenticated
        assert tab.sent.redirects() == []
        outage.up()
        await tab.until(lambda: _authenticated(tab))
        assert tab.sent.redirects() == []
        assert (await tab.state(SessionState)).username == "alice"


async def test_a_session_that_ended_meanwhile_leads_to_the_login_page_once_it_can_be_checked(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        token = await signed_in(tab, services)
        await services.accounts.logout(token)  # ended elsewhere (another tab logged out)
        outage.down()
        await tab.open(routes.SETTINGS)
        await tab.until(lambda: waiting(tab))
        assert tab.sent.redirects() == []  # it cannot be told yet
        outage.up()
        await tab.until(lambda: _redirected(tab))
        assert tab.sent.redirects() == [routes.LOGIN]
        assert not (await tab.state(SessionState)).authenticated


async def _redirected(tab: Tab) -> bool:
    return bool(tab.sent.redirects())


async def test_no_session_cookie_goes_to_the_login_page_at_once_even_during_an_outage(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        outage.down()
        await tab.load(routes.HOME)
        assert tab.sent.redirects() == [routes.LOGIN]
        assert not (await tab.state(SessionState)).unavailable


async def test_the_retries_are_bounded(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[object] = []
    real = services.accounts.user_for_session

    async def counted(token: object):  # type: ignore[no-untyped-def]
        checks.append(token)
        return await real(token)

    monkeypatch.setattr(services.accounts, "user_for_session", counted)
    monkeypatch.setattr(session, "RETRY_FOR", 0.175)  # four tries, 0.05 s apart, after the page's own check
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services)
        outage.down()
        await tab.load(routes.HOME)  # the load and the retries it started, all ended
        assert len(checks) == 1 + 4
        assert (await tab.state(SessionState)).unavailable  # still saying so, still not at the login page
        assert tab.sent.redirects() == []

        outage.up()  # then the page's "Try again"
        await (await tab.send(SessionState.wait_for_service)).wait_all()
        await tab.until(lambda: _authenticated(tab))
        assert tab.sent.redirects() == [] and not (await tab.state(SessionState)).unavailable


async def test_the_login_page_says_why_when_the_session_could_not_be_opened(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await tab.load(f"{routes.LOGIN}?reason={UNAVAILABLE_REASON}")
        form = await tab.state(AuthFormState)
        assert form.error == i18n.error_message("service_unavailable", "en") and not form.busy
        assert tab.sent.redirects() == []  # the form stays, usable

        await tab.load(routes.LOGIN)  # a plain visit: no message
        assert (await tab.state(AuthFormState)).error == ""
        await tab.load(f"{routes.LOGIN}?reason=whatever")
        assert (await tab.state(AuthFormState)).error == ""


async def test_the_sidebar_s_actions_during_an_outage_show_the_error_and_keep_the_user(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services)
        await tab.load(routes.HOME)
        unavailable = i18n.error_message("service_unavailable", "en")
        outage.down()
        for action in (SidebarState.refresh, SidebarState.clear_history):
            await (await tab.send(action)).wait_all()
            bar = await tab.state(SidebarState)
            assert bar.sidebar_error == unavailable and not bar.loading_chats
        assert tab.sent.redirects() == []  # not sent to the login page
        assert (await tab.state(SessionState)).authenticated

        outage.up()  # the sidebar's "Try again"
        await (await tab.send(SidebarState.refresh)).wait_all()
        bar = await tab.state(SidebarState)
        assert bar.sidebar_error == "" and bar.quota_known and (bar.remaining, bar.limit) == (3, 3)
        assert tab.sent.redirects() == []


async def test_a_sidebar_action_after_the_session_ended_goes_to_the_login_page(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        token = await signed_in(tab, services)
        await tab.load(routes.HOME)
        await services.accounts.logout(token)
        await (await tab.send(SidebarState.refresh)).wait_all()
        assert tab.sent.redirects() == [routes.LOGIN]


async def test_chat_actions_during_an_outage_say_so_in_place_and_keep_the_answer(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services)
        view = await services.interviews.start(await user_of(tab, services), "devops", "en")
        await tab.load(f"/chat/{view.chat.id}")
        unavailable = i18n.error_message("service_unavailable", "en")
        outage.down()

        await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()
        page = await tab.state(ChatState)
        assert page.error == unavailable and not page.sending
        assert tab.sent.values("answer") == []  # the typed answer stays in the box
        for action, payload in ((ChatState.retry, {"mode": "all"}), (ChatState.fresh_interview, {})):
            (await tab.state(ChatState)).error = ""
            await (await tab.send(action, **payload)).wait_all()
            assert (await tab.state(ChatState)).error == unavailable
        await (await tab.send(ChatState.run_hint)).wait_all()  # not "Not found"
        assert (await tab.state(ChatState)).error == unavailable and not (await tab.state(Live)).on
        await (await tab.send(NewInterviewState.start, form={"position": "devops"})).wait_all()
        assert (await tab.state(NewInterviewState)).start_error == unavailable
        assert tab.sent.redirects() == []  # still signed in, on the same page

        outage.up()  # the same tab, the same box: the answer goes through
        await (await tab.send(ChatState.send_answer, form={"answer": LONG_ANSWER})).wait_all()
        page = await tab.state(ChatState)
        assert page.error == "" and page.position == 2 and tab.sent.values("answer") == [""]


async def test_the_other_pages_actions_during_an_outage_say_so_and_keep_the_user(
    services: Services, outage: PostgresOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_tab(services, monkeypatch) as tab:
        await signed_in(tab, services)
        await tab.load(routes.SETTINGS)
        unavailable = i18n.error_message("service_unavailable", "en")
        outage.down()
        actions = [
            (SettingsState.save_profile, {"form": {"username": "alice2"}}, SettingsState, "profile_error"),
            (SettingsState.change_password, {"form": {}}, SettingsState, "password_error"),
            (PersonalDataState.download, {}, PersonalDataState, "export_error"),
            (
                PersonalDataState.delete_account,
                {"form": {"password": PASSWORD}},
                PersonalDataState,
                "delete_error",
            ),
            (ProgressState.practise, {"vacancy": "devops"}, ProgressState, "error"),
            (ReportState.download_markdown, {}, ReportState, "error"),
        ]
        for action, payload, state, field in actions:
            await (await tab.send(action, **payload)).wait_all()
            assert getattr(await tab.state(state), field) == unavailable, action
        assert tab.sent.redirects() == [] and (await tab.state(SessionState)).authenticated

        outage.up()
        await (await tab.send(SettingsState.save_profile, form={"username": "alice2"})).wait_all()
        assert (await tab.state(SettingsState)).profile_error == ""
        assert (await tab.state(SessionState)).username == "alice2"
