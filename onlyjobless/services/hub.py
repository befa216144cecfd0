"""Builds the services once from the settings; the API and the UI share this one set."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy.engine import Engine

from onlyjobless import i18n
from onlyjobless.domain.errors import ChatStoreDown
from onlyjobless.llm import LLM, OllamaLLM, OpenAILLM
from onlyjobless.services.accounts import Accounts
from onlyjobless.services.bank import QuestionBank
from onlyjobless.services.curated import get_curated_bank
from onlyjobless.services.guard import shared_guard
from onlyjobless.services.health import HealthReport, check_health
from onlyjobless.services.interviews import Interviews
from onlyjobless.services.personal_data import PersonalData
from onlyjobless.services.progress import Progress
from onlyjobless.services.quota import Budget, GenerationLeases, Quota
from onlyjobless.services.reports import Reports
from onlyjobless.services.schedule import BankSchedule
from onlyjobless.services.tokens import TokenConfig
from onlyjobless.services.vacancies import Catalogue, get_catalogue
from onlyjobless.settings import Settings, get_settings
from onlyjobless.storage.chats.factory import build_chat_store
from onlyjobless.storage.db import get_engine

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a request handler may call."""

    settings: Settings
    engine: Engine
    accounts: Accounts
    llm: LLM
    catalogue: Catalogue
    bank: QuestionBank
    schedule: BankSchedule
    interviews: Interviews
    personal_data: PersonalData
    reports: Reports
    progress: Progress

    async def health(self) -> HealthReport:
        """The SQL database, the chat store and the LLM, each "ok" or "down", in a few seconds."""
        return await check_health(self.engine, self.interviews.store, self.llm)

    async def prepare(self) -> bool:
        """Set the chat store up at start (MongoDB's indexes); False when it cannot be reached yet:
        then it is set up on first use, as after any reconnect."""
        try:
            await self.interviews.store.prepare()
        except ChatStoreDown as exc:
            log.warning("chat store not reachable at start (%s): set up on first use", exc.cause)
            return False
        return True

    def warm_up(self) -> None:
        """Embed what judging answers and refused titles needs (blocking: call it from a worker thread
        at start, so the first user does not wait for it)."""
        shared_guard().warm_up()
        self.catalogue.warm_up()


def build_llm(settings: Settings) -> LLM:
    """The configured backend: Ollama's own API, or any OpenAI-compatible server."""
    limits = {
        "connect_timeout": settings.llm_connect_timeout,
        "first_token_timeout": settings.llm_first_token_timeout,
        "total_timeout": settings.llm_total_timeout,
    }
    if settings.llm_backend == "openai":
        return OpenAILLM(
            settings.llm_url,
            settings.llm_model_name,
            api_key=settings.llm_api_key,
            max_tokens=settings.llm_max_tokens,
            **limits,
        )
    return OllamaLLM(settings.llm_url, settings.llm_model_name, max_tokens=settings.llm_max_tokens, **limits)


def build_services(settings: Settings) -> Services:
    """Wire the services for one configuration."""
    engine = get_engine(settings.sql_url)
    tokens = TokenConfig(
        secret=settings.secret_key(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_minutes=settings.access_token_minutes,
    )
    accounts = Accounts(
        engine,
        tokens,
        refresh_days=settings.refresh_token_days,
        languages=i18n.languages(),
        registrations=(
            settings.registrations_per_address,
            timedelta(minutes=settings.registration_window_minutes),
        ),
        refresh_grace_seconds=settings.refresh_grace_seconds,
    )
    llm = build_llm(settings)
    catalogue = get_catalogue()
    cooldown = timedelta(minutes=settings.bank_failure_cooldown_minutes)
    bank = QuestionBank(engine, llm, catalogue, get_curated_bank(), failure_cooldown=cooldown)
    schedule = BankSchedule(engine, bank.scheduled_refresh)
    lease_time = timedelta(seconds=settings.generation_lease_seconds)
    chat_store = build_chat_store(settings, engine)
    interviews = Interviews(
        chat_store,
        bank,
        catalogue,
        Quota(engine, settings.daily_interview_limit),
        GenerationLeases(engine, lease_time),
        Budget(engine, settings.llm_daily_budget),
        llm,
        call_timeout=settings.llm_total_timeout,
    )
    return Services(
        settings=settings,
        engine=engine,
        accounts=accounts,
        llm=llm,
        catalogue=catalogue,
        bank=bank,
        schedule=schedule,
        interviews=interviews,
        personal_data=PersonalData(engine, accounts, chat_store),
        reports=Reports(interviews),
        progress=Progress(interviews.store, interviews),
    )


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services (built on first use, never at import)."""
    return build_services(get_settings())
