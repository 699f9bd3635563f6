"""What every admin handler needs: the request's language, replies, and the month argument."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.runtime import Runtime, runtime
from bot.staff.post import staff_words
from bot.staff.text import Wording
from survey.period import Period

Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True)
class AdminCommand:
    """One admin command: who asked, where, and in which language to answer."""

    rt: Runtime
    message: Message
    language: str
    args: tuple[str, ...]

    @classmethod
    def of(cls, update: Update, context: Context) -> AdminCommand:
        rt = runtime(context)
        message = update.effective_message
        assert message is not None  # command handlers only see messages
        user = update.effective_user
        code = (user.language_code or "")[:2] if user else ""
        language = code if code in rt.messages.languages else rt.config.survey.default_language
        return cls(rt, message, language, tuple(context.args or ()))

    @property
    def chat_id(self) -> int:
        return self.message.chat_id

    @property
    def words(self) -> Wording:
        """Wording in the admin's language."""
        return staff_words(self.rt, self.language)

    @property
    def report_words(self) -> Wording:
        """Wording of report contents: the survey's language, as in the staff chat."""
        return staff_words(self.rt)

    @property
    def current(self) -> Period:
        """This month in the survey's time zone."""
        return Period.of(self.rt.now(), self.rt.config.survey.timezone)

    def text(self, key: str, **values: object) -> str:
        return self.rt.messages.get(key, self.language, **values)

    def month(self, period: str) -> str:
        return self.rt.messages.month(period, self.language)

    async def reply(self, text: str) -> Message:
        return await self.message.reply_text(text, parse_mode=ParseMode.HTML)


async def month_argument(request: AdminCommand, command: str, required: bool = True) -> str | None:
    """Returns the month named by the first argument (this month if optional and absent), or
    answers with the expected form and returns None."""
    example = request.current.shift(-1)
    if not request.args:
        if not required:
            return request.current
        await request.reply(request.text("admin_need_period", command=command, example=example))
        return None
    given = request.args[0].strip()
    if not Period.is_one(given):
        text = request.text("admin_bad_period", given=given[:32], command=command, example=example)
        await request.reply(text)
        return None
    if given > request.current:
        await request.reply(request.text("admin_future", month=request.month(given)))
        return None
    return given
