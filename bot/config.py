"""Configuration: one TOML file, read and validated once at start-up into frozen dataclasses.

Every problem is reported as a :class:`ConfigError` whose message names the file and the key, e.g.
``config.toml: [survey] monthly_quota harus bilangan bulat ≥ 1, bukan 0``, in the operator's
language (:mod:`survey.console`). The command line prints it and exits with status 2, without a
traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.quality import QualityRules
from bot.sections import (
    Config,
    IntegrityConfig,
    RemindersConfig,
    ReportsConfig,
    Service,
    StorageConfig,
    SurveyConfig,
    TelegramConfig,
    WebhookConfig,
)
from survey import integrity
from survey import questionnaire as questionnaire_module
from survey import unit_texts as unit_texts_module
from survey.console import read_toml, say

__all__ = ["DEEP_LINK_CODE", "SECTIONS", "TOKEN_ENV", "TOKEN_SHAPE", "URL", "ConfigError", "load"]

TOKEN_ENV = "SURVEIBOT_TOKEN"
DEEP_LINK_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")

URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")
SECTIONS = frozenset(
    ("telegram", "storage", "survey", "services", "reports", "reminders", "webhook", "integrity")
)


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and what to do."""


def load(path: Path, environ: Mapping[str, str] | None = None, need_token: bool = True) -> Config:
    """Reads ``path``; ``SURVEIBOT_TOKEN`` in ``environ`` overrides ``[telegram] token``."""
    environ = os.environ if environ is None else environ
    raw = read_toml(path, ConfigError, "config.file_not_found")
    return _Reader(path, raw).config(environ, need_token)


class _Reader:
    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key} {problem}")

    def table(self, name: str, required: bool = True) -> dict[str, Any]:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(f"[{name}]", say("config.missing"))
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"[{name}]", say("config.not_table"))
        return value

    def value(
        self,
        table: dict[str, Any],
        section: str,
        key: str,
        kind: Any,
        default: Any = ...,
    ) -> Any:
        where = f"[{section}] {key}"
        if key not in table:
            if default is ...:
                raise self.fail(where, say("config.missing"))
            return default
        value = table[key]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            kind_name = say(f"config.kind.{questionnaire_module.KIND_NAMES[kind]}")
            raise self.fail(where, say("config.wrong_kind", kind=kind_name, value=repr(value)))
        return value

    def config(self, environ: Mapping[str, str], need_token: bool) -> Config:
        for name in self.raw:
            if name not in SECTIONS:
                sections = ", ".join(sorted(SECTIONS))
                raise self.fail(f"[{name}]", say("config.unknown_section", sections=sections))
        return Config(
            source=self.path,
            telegram=self.telegram(environ, need_token),
            storage=self.storage(),
            survey=self.survey(),
            services=self.services(),
            reports=self.reports(),
            reminders=self.reminders(),
            webhook=self.webhook(),
            integrity=self.integrity(),
        )

    def integrity(self) -> IntegrityConfig:
        table = self.table("integrity", required=False)
        at_or_below = self.value(table, "integrity", "alert_at_or_below", int, 2)
        words = self.value(table, "integrity", "keywords", list, list(integrity.KEYWORDS))
        if not all(isinstance(word, str) and word.strip() for word in words):
            raise self.fail("[integrity] keywords", say("config.keywords"))
        url = self.value(table, "integrity", "complaint_url", str, None)
        if url is not None and not URL.match(url):
            raise self.fail("[integrity] complaint_url", say("config.complaint_url", value=url))
        chat = self.value(table, "integrity", "alert_chat_id", int, None)
        staff = self.value(table, "integrity", "staff_ids", list, [])
        if not all(isinstance(user, int) and not isinstance(user, bool) for user in staff):
            raise self.fail("[integrity] staff_ids", say("config.staff_ids"))
        rules = QualityRules(
            fast_seconds=float(self.value(table, "integrity", "fast_seconds", int | float, 20)),
            burst_count=self.value(table, "integrity", "burst_count", int, 5),
            burst_minutes=self.value(table, "integrity", "burst_minutes", int, 10),
            insiders=frozenset(staff),
        )
        return IntegrityConfig(at_or_below, tuple(w.strip() for w in words), url, chat, rules)

    def telegram(self, environ: Mapping[str, str], need_token: bool) -> TelegramConfig:
        table = self.table("telegram")
        token = environ.get(TOKEN_ENV) or self.value(table, "telegram", "token", str, "")
        token = token.strip()
        if need_token and not token:
            raise ConfigError(say("config.token_missing", path=self.path, env=TOKEN_ENV))
        if token and not TOKEN_SHAPE.match(token):
            raise ConfigError(say("config.token_shape", path=self.path, env=TOKEN_ENV))
        base_url = self.value(table, "telegram", "base_url", str, None)
        if base_url is not None:
            base_url = base_url.strip().rstrip("/")
            if not URL.match(base_url):
                raise self.fail("[telegram] base_url", say("config.base_url", value=repr(base_url)))
        staff = self.value(table, "telegram", "staff_chat_id", int, None)
        admins = self.value(table, "telegram", "admin_ids", list, [])
        for admin in admins:
            if not isinstance(admin, int) or isinstance(admin, bool) or admin <= 0:
                raise self.fail("[telegram] admin_ids", say("config.admin_ids", value=repr(admin)))
        pool = self.value(table, "telegram", "connection_pool_size", int, 64)
        if pool < 1:
            raise self.fail(
                "[telegram] connection_pool_size", say("config.at_least_one", value=pool)
            )
        return TelegramConfig(
            token=token,
            base_url=base_url,
            staff_chat_id=staff,
            admin_ids=tuple(admins),
            connection_pool_size=pool,
        )

    def storage(self) -> StorageConfig:
        table = self.table("storage")
        path = self.value(table, "storage", "path", str)
        if not path.strip():
            raise self.fail("[storage] path", say("config.storage_empty"))
        resolved = Path(path).expanduser()
        if not resolved.is_absolute():
            resolved = self.path.parent / resolved
        if resolved.is_dir():
            raise self.fail("[storage] path", say("config.storage_folder", path=resolved))
        return StorageConfig(path=resolved)

    def survey(self) -> SurveyConfig:
        table = self.table("survey", required=False)
        quota = self.value(table, "survey", "monthly_quota", int, 30)
        if quota < 1:
            raise self.fail("[survey] monthly_quota", say("config.at_least_one", value=quota))
        zone_name = self.value(table, "survey", "timezone", str, "Asia/Jakarta")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                "[survey] timezone", say("config.timezone", value=repr(zone_name))
            ) from None
        q_path = self.value(table, "survey", "questionnaire", str, None)
        source = None
        if q_path is not None:
            source = Path(q_path).expanduser()
            if not source.is_absolute():
                source = self.path.parent / source
        try:
            questionnaire = questionnaire_module.load(source)
        except questionnaire_module.QuestionnaireError as exc:
            raise self.fail(
                "[survey] questionnaire", say("config.questionnaire", reason=exc)
            ) from None
        language = self.value(table, "survey", "default_language", str, "id")
        if language not in questionnaire.languages:
            languages = ", ".join(questionnaire.languages)
            problem = say("config.language", languages=languages, value=repr(language))
            raise self.fail("[survey] default_language", problem)
        return SurveyConfig(
            monthly_quota=quota,
            timezone=zone,
            default_language=language,
            questionnaire=questionnaire,
        )

    def clock_time(self, table: dict[str, Any], section: str, key: str, default: str) -> time:
        text = self.value(table, section, key, str, default)
        match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text.strip())
        if match is None:
            raise self.fail(f"[{section}] {key}", say("config.clock_time", value=repr(text)))
        return time(int(match.group(1)), int(match.group(2)))

    def reports(self) -> ReportsConfig:
        table = self.table("reports", required=False)
        day = self.value(table, "reports", "post_day", int, 1)
        if not 1 <= day <= 28:
            raise self.fail("[reports] post_day", say("config.post_day", value=day))
        unit_name = self.value(table, "reports", "unit_name", str, None)
        if unit_name is not None and not unit_name.strip():
            raise self.fail("[reports] unit_name", say("config.unit_name_empty"))
        return ReportsConfig(
            post_day=day,
            post_time=self.clock_time(table, "reports", "post_time", "08:00"),
            include_personal=self.value(table, "reports", "include_personal", bool, False),
            unit_name=" ".join(unit_name.split()) if unit_name is not None else None,
            legal_basis=self.legal_basis(table),
            unit_texts=self.unit_texts(table),
        )

    def legal_basis(self, table: dict[str, Any]) -> tuple[str, ...]:
        lines = self.value(table, "reports", "legal_basis", list, [])
        for line in lines:
            if not isinstance(line, str) or not line.strip():
                raise self.fail(
                    "[reports] legal_basis", say("config.legal_basis", value=repr(line))
                )
        return tuple(" ".join(line.split()) for line in lines)

    def unit_texts(self, table: dict[str, Any]) -> unit_texts_module.UnitTexts | None:
        name = self.value(table, "reports", "unit_texts", str, None)
        if name is None:
            return None
        source = Path(name).expanduser()
        if not source.is_absolute():
            source = self.path.parent / source
        try:
            return unit_texts_module.load(source)
        except unit_texts_module.UnitTextsError as exc:
            raise self.fail("[reports] unit_texts", say("config.unit_texts", reason=exc)) from None

    def reminders(self) -> RemindersConfig:
        table = self.table("reminders", required=False)
        hours = self.value(table, "reminders", "delay_hours", int, 24)
        if hours < 1:
            raise self.fail("[reminders] delay_hours", say("config.at_least_one", value=hours))
        count = self.value(table, "reminders", "max_count", int, 2)
        if count < 0:
            raise self.fail("[reminders] max_count", say("config.max_count", value=count))
        rate = self.value(table, "reminders", "per_second", int | float, 25)
        if not 0 < rate <= 30:
            raise self.fail("[reminders] per_second", say("config.per_second", value=rate))
        return RemindersConfig(
            delay=timedelta(hours=hours),
            max_count=count,
            quiet_start=self.clock_time(table, "reminders", "quiet_start", "21:00"),
            quiet_end=self.clock_time(table, "reminders", "quiet_end", "07:00"),
            per_second=float(rate),
        )

    def webhook(self) -> WebhookConfig | None:
        table = self.table("webhook", required=False)
        if not table:
            return None
        url = self.value(table, "webhook", "url", str)
        if not URL.match(url):
            raise self.fail("[webhook] url", say("config.webhook_url", value=repr(url)))
        port = self.value(table, "webhook", "port", int, 8443)
        if not 1 <= port <= 65535:
            raise self.fail("[webhook] port", say("config.port", value=port))
        secret = self.value(table, "webhook", "secret_token", str, None)
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise self.fail("[webhook] secret_token", say("config.secret_token"))
        return WebhookConfig(
            url=url,
            listen=self.value(table, "webhook", "listen", str, "127.0.0.1"),
            port=port,
            secret_token=secret,
        )

    def services(self) -> tuple[Service, ...]:
        raw = self.raw.get("services")
        if not isinstance(raw, list) or not raw:
            raise self.fail("[[services]]", say("config.services_missing"))
        services: list[Service] = []
        for n, entry in enumerate(raw, start=1):
            section = f"services #{n}"
            if not isinstance(entry, dict):
                raise self.fail(f"[[services]] #{n}", say("config.service_not_table"))
            code = self.value(entry, section, "code", str)
            if not DEEP_LINK_CODE.match(code):
                raise self.fail(f"[{section}] code", say("config.service_code", value=repr(code)))
            if any(s.code == code for s in services):
                raise self.fail(f"[{section}] code", say("config.service_repeat", value=repr(code)))
            name = self.value(entry, section, "name", str)
            if not name.strip():
                raise self.fail(f"[{section}] name", say("config.service_name_empty"))
            services.append(Service(code=code, name=name.strip()))
        return tuple(services)
