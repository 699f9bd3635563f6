"""The configuration's sections, as the frozen dataclasses :mod:`bot.config` reads them into."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from analysis.quality import DEFAULT_RULES, QualityRules
from survey import integrity
from survey import questionnaire as questionnaire_module
from survey import unit_texts as unit_texts_module

__all__ = [
    "Config",
    "IntegrityConfig",
    "RemindersConfig",
    "ReportsConfig",
    "Service",
    "StorageConfig",
    "SurveyConfig",
    "TelegramConfig",
    "WebhookConfig",
]


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str | None
    staff_chat_id: int | None
    admin_ids: tuple[int, ...]
    connection_pool_size: int = 64

    @property
    def base_file_url(self) -> str | None:
        """The file endpoint of a self-hosted server: ``…/bot`` becomes ``…/file/bot``."""
        if self.base_url is None:
            return None
        root, _, last = self.base_url.rstrip("/").rpartition("/")
        return f"{root}/file/{last}"

    def __repr__(self) -> str:  # the token must never reach a log line
        return f"TelegramConfig(base_url={self.base_url!r}, staff_chat_id={self.staff_chat_id})"


@dataclass(frozen=True)
class StorageConfig:
    path: Path


@dataclass(frozen=True)
class SurveyConfig:
    monthly_quota: int
    timezone: ZoneInfo
    default_language: str
    questionnaire: questionnaire_module.Questionnaire


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    listen: str
    port: int
    secret_token: str | None

    @property
    def url_path(self) -> str:
        """The path part of ``url``, where the local server listens for Telegram's calls."""
        return urlsplit(self.url).path.lstrip("/")

    def __repr__(self) -> str:  # the secret token must never reach a log line
        return f"WebhookConfig(url={self.url!r}, listen={self.listen!r}, port={self.port})"


@dataclass(frozen=True)
class ReportsConfig:
    post_day: int
    post_time: time
    include_personal: bool
    unit_name: str | None = None  # None: the report shows a placeholder to fill in
    legal_basis: tuple[str, ...] = ()  # what BAB II A cites; empty: a placeholder
    unit_texts: unit_texts_module.UnitTexts | None = None  # None: placeholders where they belong


@dataclass(frozen=True)
class RemindersConfig:
    delay: timedelta
    max_count: int
    quiet_start: time
    quiet_end: time
    per_second: float


@dataclass(frozen=True)
class IntegrityConfig:
    """Red flags (:mod:`survey.integrity`) alert ``alert_chat_id`` (None: the staff chat)."""

    alert_at_or_below: int = 2
    keywords: tuple[str, ...] = integrity.KEYWORDS
    complaint_url: str | None = None
    alert_chat_id: int | None = None
    quality: QualityRules = DEFAULT_RULES  # thresholds of the data-quality signals, staff ids


@dataclass(frozen=True)
class Service:
    code: str
    name: str

    def link(self, bot_username: str) -> str:
        """The survey link of this service, which opens the bot on it."""
        return f"https://t.me/{bot_username}?start={self.code}"


@dataclass(frozen=True)
class Config:
    source: Path
    telegram: TelegramConfig
    storage: StorageConfig
    survey: SurveyConfig
    services: tuple[Service, ...]
    reports: ReportsConfig
    reminders: RemindersConfig
    webhook: WebhookConfig | None = None
    integrity: IntegrityConfig = IntegrityConfig()

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    @property
    def quality_rules(self) -> QualityRules:
        """The data-quality thresholds, the admins counted among the insiders."""
        rules = self.integrity.quality
        return replace(rules, insiders=rules.insiders | frozenset(self.telegram.admin_ids))
