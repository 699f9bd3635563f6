"""What the respondent sees for each step: texts and inline keyboards, built from the data files.

Callback data is ``<verb>:<draft>:<key>:<value>`` (at most ~40 bytes, under Telegram's 64):

====  ===========================  ==================================================
verb  parts                        meaning
====  ===========================  ==================================================
a     draft, key, value            answer ``key`` of ``draft`` with ``value``
v     service                      start the survey for ``service`` (from /start)
s     draft                        submit the reviewed draft
c     draft                        show the list of answers that can be changed
e     draft, key                   change the answer to ``key``
r     draft                        back to the review
x     draft, 1 or 0                confirm or withdraw /cancel
====  ===========================  ==================================================
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Config
from bot.messages import Messages, Safe
from bot.store import REVIEW, Draft
from bot.telegram_text import clip
from survey.period import Period
from survey.questionnaire import LANGUAGE, PERIOD, SUGGESTION, Questionnaire

SKIP = "-"
SEPARATOR = ":"


def encode(*parts: object) -> str:
    return SEPARATOR.join(str(p) for p in parts)


@dataclass(frozen=True)
class Screen:
    """A message to send: HTML text and an optional keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Renderer:
    config: Config
    messages: Messages

    @property
    def questionnaire(self) -> Questionnaire:
        return self.config.survey.questionnaire

    def language(self, draft: Draft | None) -> str:
        if draft is not None and draft.answers.get(LANGUAGE) in self.questionnaire.languages:
            return draft.answers[LANGUAGE]
        return self.config.survey.default_language

    def service_name(self, code: str) -> str:
        service = self.config.service(code)
        return service.name if service else code

    # -- screens --------------------------------------------------------------------------------

    def services(self, key: str, language: str, **values: object) -> Screen:
        """Lists the services as buttons under text ``key``."""
        rows = [
            [InlineKeyboardButton(s.name, callback_data=encode("v", s.code))]
            for s in self.config.services
        ]
        return Screen(self.messages.get(key, language, **values), InlineKeyboardMarkup(rows))

    def question(self, draft: Draft, key: str, now: datetime) -> Screen:
        """Returns the screen asking ``key`` of ``draft``."""
        q = self.questionnaire
        lang = self.language(draft)
        kind = q.kind(key)
        if kind == "language":
            rows = [
                [
                    InlineKeyboardButton(
                        q.language_names[code], callback_data=self._a(draft, key, code)
                    )
                ]
                for code in q.languages
            ]
            return Screen(self.messages.get("choose_language", lang), InlineKeyboardMarkup(rows))
        header = self._progress(key, lang)
        if kind == "item":
            item = q.item(key)
            assert item is not None
            rows = [
                [
                    InlineKeyboardButton(
                        f"{score} · {label}", callback_data=self._a(draft, key, score)
                    )
                ]
                for score, label in enumerate(item.labels[lang], start=1)
            ]
            text = f"{header}\n<b>{key}</b> · {html.escape(item.text[lang])}"
            return Screen(text, InlineKeyboardMarkup(rows))
        if kind == "period":
            rows = [
                [
                    InlineKeyboardButton(
                        self.messages.month(p, lang), callback_data=self._a(draft, key, p)
                    )
                ]
                for p in offered_periods(now, self.config.survey.timezone)
            ]
            return Screen(
                f"{header}\n{html.escape(q.period_prompt[lang])}", InlineKeyboardMarkup(rows)
            )
        if kind == "suggestion":
            skip = InlineKeyboardButton(
                self.messages.plain("skip", lang), callback_data=self._a(draft, key, SKIP)
            )
            text = f"{header}\n{html.escape(q.suggestion_prompt[lang])}"
            return Screen(text, InlineKeyboardMarkup([[skip]]))
        question = q.identity_question(key)
        assert question is not None
        text = f"{header}\n{html.escape(question.prompt[lang])}"
        if kind == "choice":
            rows = [
                [InlineKeyboardButton(o.label[lang], callback_data=self._a(draft, key, o.code))]
                for o in question.options
            ]
            return Screen(text, InlineKeyboardMarkup(rows))
        return Screen(text)

    def hint(self, draft: Draft, key: str) -> str:
        """Returns the short hint shown when an answer to ``key`` cannot be used."""
        q = self.questionnaire
        lang = self.language(draft)
        kind = q.kind(key)
        if kind in ("text", "integer"):
            question = q.identity_question(key)
            assert question is not None
            return html.escape(question.hint[lang])
        if kind == "suggestion":
            return html.escape(q.suggestion_hint[lang])
        return self.messages.get("use_buttons", lang)

    def answered(self, draft: Draft, key: str, value: str, now: datetime) -> str:
        """Returns the question's text with the chosen answer, for the edited message."""
        asked = self.question(draft, key, now).text
        answer = self.answer_label(draft, key, value)
        return f"{asked}\n\n{self.messages.get('answered', self.language(draft), answer=answer)}"

    def review(self, draft: Draft) -> Screen:
        lang = self.language(draft)
        lines = [
            f"<b>{html.escape(self.column(key, lang))}</b>: "
            f"{html.escape(clip(self.answer_label(draft, key, draft.answers.get(key, '')), 900))}"
            for key in self.questionnaire.step_keys
        ]
        body = self.messages.get(
            "review", lang, service=self.service_name(draft.service), answers=Safe("\n".join(lines))
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        self.messages.plain("submit_button", lang),
                        callback_data=encode("s", draft.id),
                    ),
                    InlineKeyboardButton(
                        self.messages.plain("change_button", lang),
                        callback_data=encode("c", draft.id),
                    ),
                ]
            ]
        )
        return Screen(body, keyboard)

    def change_menu(self, draft: Draft) -> InlineKeyboardMarkup:
        lang = self.language(draft)
        buttons = [
            InlineKeyboardButton(
                self._short_column(key, lang), callback_data=encode("e", draft.id, key)
            )
            for key in self.questionnaire.step_keys
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        rows.append(
            [
                InlineKeyboardButton(
                    self.messages.plain("back_button", lang), callback_data=encode("r", draft.id)
                )
            ]
        )
        return InlineKeyboardMarkup(rows)

    def confirm_cancel(self, draft: Draft) -> Screen:
        lang = self.language(draft)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        self.messages.plain("cancel_yes", lang),
                        callback_data=encode("x", draft.id, 1),
                    ),
                    InlineKeyboardButton(
                        self.messages.plain("cancel_no", lang),
                        callback_data=encode("x", draft.id, 0),
                    ),
                ]
            ]
        )
        text = self.messages.get("confirm_cancel", lang, service=self.service_name(draft.service))
        return Screen(text, keyboard)

    # -- labels ---------------------------------------------------------------------------------

    def column(self, key: str, lang: str) -> str:
        q = self.questionnaire
        kind = q.kind(key)
        if kind == "language":
            return self.messages.plain("language_column", lang)
        if kind == "period":
            return q.period_column[lang]
        if kind == "suggestion":
            return q.suggestion_column[lang]
        if kind == "item":
            item = q.item(key)
            assert item is not None
            return f"{key} · {item.element[lang]}"
        question = q.identity_question(key)
        assert question is not None
        return question.column[lang]

    def _short_column(self, key: str, lang: str) -> str:
        return key if self.questionnaire.kind(key) == "item" else self.column(key, lang)[:24]

    def answer_label(self, draft: Draft, key: str, value: str) -> str:
        """Returns how an answer reads to the respondent: ``4 · Sangat mudah``, ``Januari 2025``."""
        q = self.questionnaire
        lang = self.language(draft)
        kind = q.kind(key)
        if kind == "language":
            return q.language_names.get(value, value)
        if kind == "period":
            return self.messages.month(value, lang) if value else ""
        if kind == "suggestion":
            return value if value else self.messages.plain("skipped", lang)
        if kind == "item":
            item = q.item(key)
            assert item is not None
            return f"{value} · {item.label(int(value), lang)}" if value else ""
        question = q.identity_question(key)
        assert question is not None
        if kind == "choice":
            option = question.option(value)
            return option.label[lang] if option else value
        return value

    # -- helpers --------------------------------------------------------------------------------

    def _progress(self, key: str, lang: str) -> str:
        steps = self.questionnaire.step_keys
        total = len(steps) - 1  # the language is not counted as a question
        return f"<i>{self.messages.get('progress', lang, n=steps.index(key), total=total)}</i>"

    @staticmethod
    def _a(draft: Draft, key: str, value: object) -> str:
        return encode("a", draft.id, key, value)


def offered_periods(now: datetime, zone: tzinfo) -> tuple[str, str]:
    """Returns this month and last month (``YYYY-MM``) in the survey's time zone."""
    this = Period.of(now, zone)
    return this, this.shift(-1)


__all__ = [
    "PERIOD",
    "REVIEW",
    "SKIP",
    "SUGGESTION",
    "Renderer",
    "Screen",
    "encode",
    "offered_periods",
]
