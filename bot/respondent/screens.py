"""What the respondent sees for each step: texts and inline keyboards, built from the data files.

Every button's data is built by :func:`bot.callbacks.encode`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import encode
from bot.messages import Messages, Safe
from bot.sections import Config
from bot.store import REVIEW, Draft
from bot.telegram_text import clip
from survey.questionnaire import LANGUAGE, PERIOD, SUGGESTION, Questionnaire
from survey.steps import When


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
        """Returns the screen asking ``key`` of ``draft``: its prompt and its buttons."""
        step = self.questionnaire.step(key)
        lang = self.language(draft)
        prompt = html.escape(step.prompt(lang, self.messages))
        if step.shows_code:
            prompt = f"<b>{html.escape(key)}</b> · {prompt}"
        if step is not self.questionnaire.language_step:  # the language is not a question
            prompt = f"{self._progress(key, lang)}\n{prompt}"
        choices = step.choices(lang, self.messages, When(now, self.config.survey.timezone))
        rows = [
            [InlineKeyboardButton(c.label, callback_data=encode("a", draft.id, key, c.value))]
            for c in choices
        ]
        return Screen(prompt, InlineKeyboardMarkup(rows) if rows else None)

    def hint(self, draft: Draft, key: str) -> str:
        """Returns the short hint shown when an answer to ``key`` cannot be used."""
        lang = self.language(draft)
        hint = self.questionnaire.step(key).hint(lang) if key != REVIEW else None
        return self.messages.get("use_buttons", lang) if hint is None else html.escape(hint)

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
        return self.questionnaire.step(key).column(lang, self.messages)

    def _short_column(self, key: str, lang: str) -> str:
        return self.questionnaire.step(key).short_column(lang, self.messages)

    def answer_label(self, draft: Draft, key: str, value: str) -> str:
        """Returns how an answer reads to the respondent: ``4 · Sangat mudah``, ``Januari 2025``."""
        return self.questionnaire.step(key).label(value, self.language(draft), self.messages)

    # -- helpers --------------------------------------------------------------------------------

    def _progress(self, key: str, lang: str) -> str:
        steps = self.questionnaire.step_keys
        total = len(steps) - 1  # the language is not counted as a question
        return f"<i>{self.messages.get('progress', lang, n=steps.index(key), total=total)}</i>"


__all__ = [
    "PERIOD",
    "REVIEW",
    "SUGGESTION",
    "Renderer",
    "Screen",
]
