"""A corpus of bad inputs, each sent through the real handlers to a respondent mid-survey.

Every input gets a clear reply or, where that fits (edited messages, chatter in groups and
channels), is ignored without a word; none crashes a handler (`running` fails the test on any
handler exception) and none writes what it should not: the database after the input is the
database before it plus, at most, the one answer the input legitimately gives. Every text the
bot sent with ``parse_mode=HTML`` must also parse as Telegram HTML, whatever the input held.
"""

from __future__ import annotations

import contextlib
import html
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import runtime
from bot.sandbox import Respondent, SandboxRequest, channel_chat, group_chat, supergroup_chat, user
from bot.sections import Config
from bot.store import REVIEW
from tests.support.app import App
from tests.support.crowd import Person
from tests.support.survey import ITEMS, begin
from tests.support.telegram_html import assert_html_well_formed

JSONDict = dict[str, Any]
STATES = ("new", "name", "age", "institution", "u1", "suggestion")
GROUP = group_chat()
SUPERGROUP = supergroup_chat()
CHANNEL = channel_chat()
INTRUDER = user(6666, "Mallory")

# What the respondent is told (the Indonesian texts of bot/data/messages*.toml).
NAME_HINT = "Tuliskan nama Anda"
AGE_HINT = "angka bulat antara 17 dan 99"
SUGGESTION_HINT = "paling panjang 2000"
USE_TEXT = "mengetik teks"
USE_BUTTONS = "menekan salah satu tombol"
UNKNOWN = "tidak dikenal"
HELP = "Bantuan"
RESUMED = "Melanjutkan"
STALE = "sudah tidak berlaku"
ANSWERED = "sudah dijawab"


@dataclass
class Scene:
    """The respondent, the chat so far and what the setup left behind for the inputs to use."""

    sandbox: SandboxRequest
    respondent: Respondent
    name_message: JSONDict | None = None
    question: JSONDict | None = None

    @property
    def me(self) -> JSONDict:
        return self.respondent.user

    def text(self, text: str, chat: JSONDict | None = None) -> JSONDict:
        return self.sandbox.message_update(self.me, text, chat)

    def tap(self, data: str, by: JSONDict | None = None) -> JSONDict:
        message = self.question or self.sandbox.sent_to(self.respondent.chat_id)[-1]
        return self.sandbox.callback_update(by or self.me, message, data)


@dataclass(frozen=True)
class Case:
    """One bad input, the state it arrives in, and what must follow."""

    id: str
    state: str
    build: Callable[[Scene], JSONDict]
    says: tuple[str, ...] = ()  # all of these appear in what the bot sends back
    asks: str | None = None  # … and its last message asks this step again
    alert: str | None = None  # the button press is answered with this toast
    stores: dict[str, str] = field(default_factory=dict)  # the answers it may add
    silent: bool = False  # no Bot API call at all
    reply_chat: int | None = None  # where the reply goes, if not the respondent's chat


def c(id: str, state: str, build: Callable[[Scene], JSONDict], **expect: Any) -> Case:
    return Case(id, state, build, **expect)


def kept(id: str, state: str, text: str, **expect: Any) -> Case:
    """A text that must be stored exactly as typed, as the answer to ``state``."""
    return c(id, state, typed(text), stores={state: text}, **expect)


def typed(text: str) -> Callable[[Scene], JSONDict]:
    return lambda s: s.text(text)


def tapped(data: str) -> Callable[[Scene], JSONDict]:
    return lambda s: s.tap(data)


def command(name: str, payload: str | None = None) -> Callable[[Scene], JSONDict]:
    return lambda s: s.sandbox.command_update(s.me, name, payload)


def raw(text: str) -> Callable[[Scene], JSONDict]:
    """A text with no bot_command entity, as a client that does not mark commands sends it."""

    def build(s: Scene) -> JSONDict:
        update = s.text(text)
        update["message"].pop("entities", None)
        return update

    return build


def callback_without_data(s: Scene) -> JSONDict:
    update = s.tap("x")
    del update["callback_query"]["data"]
    update["callback_query"]["game_short_name"] = "survei"
    return update


def edited_name(s: Scene) -> JSONDict:
    assert s.name_message is not None
    return s.sandbox.edited_message_update(s.name_message, "Eve Mallory")


def edited_command(s: Scene) -> JSONDict:
    assert s.name_message is not None
    return s.sandbox.edited_message_update(s.name_message, "/start suket_cpob")


LONG = "Sangat baik " * 834  # 10,008 characters
CORPUS = [
    # -- empty, blank and huge texts ------------------------------------------------------------
    c("empty-text", "name", typed(""), says=(USE_TEXT,), asks="name"),
    c("spaces", "name", typed("     "), says=(NAME_HINT,), asks="name"),
    c("newlines-tabs", "name", typed("\n\t \n\t"), says=(NAME_HINT,), asks="name"),
    c("10k-name", "name", typed("x" * 10_000), says=(NAME_HINT,), asks="name"),
    c("10k-institution", "institution", typed(LONG), says=("1–200 karakter",), asks="institution"),
    c("10k-suggestion", "suggestion", typed(LONG), says=(SUGGESTION_HINT,), asks="suggestion"),
    c("blank-suggestion", "suggestion", typed(" \u200b "), says=(SUGGESTION_HINT,)),
    # -- emoji, right-to-left and invisible characters ------------------------------------------
    c("emoji-only", "name", typed("😀🎉👍"), says=(NAME_HINT,), asks="name"),
    kept("emoji-in-name", "name", "Dini 😀 B", asks="age"),
    c("flag-emoji-age", "age", typed("🇮🇩"), says=(AGE_HINT,), asks="age"),
    kept("arabic-name", "name", "محمد عبد الله"),
    c("rtl-override", "name", typed("\u202eDini\u202c B"), stores={"name": "Dini B"}),
    c("zero-width-only", "name", typed("\u200b\u200c\u200d\u2060"), says=(NAME_HINT,)),
    c("zero-width-inside", "name", typed("Di\u200bni\u200d B"), stores={"name": "Dini B"}),
    c("byte-order-mark", "name", typed("\ufeffDini B"), stores={"name": "Dini B"}),
    c("combining-accent", "name", typed("Jose\u0301 B"), stores={"name": "José B"}),
    c("arabic-digits-age", "age", typed("٣٥"), says=(AGE_HINT,), asks="age"),
    c("math-digits-age", "age", typed("𝟑𝟓"), says=(AGE_HINT,), asks="age"),
    c("fullwidth-digits-age", "age", typed("３５"), says=(AGE_HINT,), asks="age"),
    c("age-with-words", "age", typed("35 tahun"), says=(AGE_HINT,), asks="age"),
    c("age-hex", "age", typed("0x23"), says=(AGE_HINT,), asks="age"),
    c("age-exponent", "age", typed("3e1"), says=(AGE_HINT,), asks="age"),
    c("age-padded", "age", typed("  35 \n"), stores={"age": "35"}, asks="gender"),
    # -- HTML, Markdown and SQL in names and suggestions ----------------------------------------
    kept("html-name", "name", "<b>Dini</b> & <i>B</i>"),
    kept("script-name", "name", "<script>alert(1)</script>"),
    kept("broken-html", "name", "Dini </b><a href='x'>"),
    kept("entity-name", "name", "Dini &amp; &lt;B&gt; &#0;"),
    kept("markdown-name", "name", "*Dini* _B_ `x` [a](http://x.y)"),
    kept("sql-name", "name", "Robert'); DROP TABLE drafts;--"),
    kept("sql-or", "institution", "PT ' OR '1'='1"),
    c("sql-age", "age", typed("35; DELETE FROM answers"), says=(AGE_HINT,), asks="age"),
    kept("html-suggestion", "suggestion", "<b>Bagus</b> <tg-spoiler>x</tg-spoiler> &"),
    kept("sql-suggestion", "suggestion", "'; UPDATE submissions SET period='1999-01';--"),
    # -- stickers, media, locations and contacts ------------------------------------------------
    c("sticker", "name", lambda s: s.sandbox.sticker_update(s.me), says=(USE_TEXT,), asks="name"),
    c("photo", "name", lambda s: s.sandbox.photo_update(s.me), says=(USE_TEXT,), asks="name"),
    c("photo-caption", "name", lambda s: s.sandbox.photo_update(s.me, "Dini B"), says=(USE_TEXT,)),
    c("voice", "u1", lambda s: s.sandbox.voice_update(s.me), says=(USE_BUTTONS,), asks="U1"),
    c("location", "u1", lambda s: s.sandbox.location_update(s.me), says=(USE_BUTTONS,)),
    c("contact", "name", lambda s: s.sandbox.contact_update(s.me), says=(USE_TEXT,)),
    c("document", "suggestion", lambda s: s.sandbox.document_update(s.me), says=(USE_TEXT,)),
    c(
        "sticker-no-survey",
        "new",
        lambda s: s.sandbox.sticker_update(s.me),
        says=("belum memulai",),
    ),
    c("text-at-button-step", "u1", typed("4"), says=(USE_BUTTONS,), asks="U1"),
    # -- edited messages --------------------------------------------------------------------------
    c("edited-answer", "age", edited_name, silent=True),
    c("edited-into-command", "age", edited_command, silent=True),
    # -- groups and channels ----------------------------------------------------------------------
    c(
        "start-in-group",
        "new",
        lambda s: s.sandbox.command_update(s.me, "start", "cpob", GROUP),
        says=("chat pribadi", "?start=cpob"),
        reply_chat=GROUP["id"],
    ),
    c(
        "start-forged-code-in-group",
        "new",
        lambda s: s.sandbox.command_update(s.me, "start", "<b>x</b>", SUPERGROUP),
        says=("chat pribadi",),
        reply_chat=SUPERGROUP["id"],
    ),
    c("text-in-group", "name", lambda s: s.text("Dini B", GROUP), silent=True),
    c(
        "cancel-in-supergroup",
        "name",
        lambda s: s.sandbox.command_update(s.me, "cancel", None, SUPERGROUP),
        silent=True,
    ),
    c(
        "channel-post",
        "new",
        lambda s: s.sandbox.channel_post_update(CHANNEL, "/start cpob"),
        silent=True,
    ),
    # -- forged, malformed and oversized callback data, another user's button -------------------
    c("unknown-verb", "u1", tapped("zz:1:U1:4"), alert=STALE),
    c("colons-only", "u1", tapped("::::"), alert=STALE),
    c("oversized-data", "u1", tapped("a:1:U1:" + "4" * 200), alert=STALE),
    c("unicode-digit-score", "u1", tapped("a:1:U1:٤"), alert=STALE),
    c("negative-draft", "u1", tapped("a:-1:U1:4"), alert=STALE),
    c("huge-draft-id", "u1", tapped("a:" + "9" * 25 + ":U1:4"), alert=STALE),
    c("sql-in-data", "u1", tapped("a:1 OR 1=1:U1:4"), alert=STALE),
    c("future-item", "u1", tapped("a:1:P5:4"), alert=ANSWERED),
    c("submit-unfinished", "u1", tapped("s:1"), alert=STALE),
    c("edit-unanswered", "u1", tapped("e:1:P1"), alert=STALE),
    c("no-data-game-button", "u1", callback_without_data, alert=STALE),
    c("forged-erase-choice", "u1", tapped("del:2"), alert=STALE),
    c("forged-language", "u1", tapped("lang:1:xx"), alert=STALE),
    c("others-tap", "u1", lambda s: s.tap("a:1:U1:4", by=INTRUDER), alert=STALE),
    c("others-cancel", "u1", lambda s: s.tap("x:1:1", by=INTRUDER), alert=STALE),
    c("others-language", "u1", lambda s: s.tap("lang:1:en", by=INTRUDER), alert=STALE),
    # -- commands with odd arguments ------------------------------------------------------------
    c("start-65-chars", "new", command("start", "a" * 65), says=(UNKNOWN, "a" * 64)),
    c(
        "start-script",
        "new",
        command("start", "<script>alert(1)</script>"),
        says=(UNKNOWN, "&lt;script&gt;"),
    ),
    c(
        "start-extra-words",
        "name",
        command("start", "cpob extra words"),
        says=(RESUMED,),
        asks="name",
    ),
    c("start-unicode", "new", command("start", "日本語"), says=(UNKNOWN,)),
    c("start-zero-width", "new", command("start", "cpob\u200b"), says=(UNKNOWN,)),
    c("start-upper-case", "name", command("START", "cpob"), says=(RESUMED,), asks="name"),
    c("start-other-bot", "name", command("start@another_bot", "cpob"), says=(HELP,)),
    c("start-this-bot", "name", command("start@surveibot_demo_bot", "cpob"), says=(RESUMED,)),
    c("cancel-now", "u1", command("cancel", "now"), says=("Batalkan survei",)),
    c("help-me", "u1", command("help", "me"), says=(HELP,)),
    c("unknown-command", "name", command("frobnicate", "x"), says=(HELP,)),
    c("lone-slash", "name", raw("/"), says=(NAME_HINT,), asks="name"),
    c("language-odd-arg", "u1", command("language", "klingon"), says=("Pilih bahasa",)),
    c("privacy-odd-arg", "new", command("privacy", "<b>now</b>"), says=("Privasi",)),
]


async def arrive(app: App, sandbox: SandboxRequest, state: str) -> Scene:
    """Brings a respondent to ``state`` through the normal flow."""
    scene = Scene(sandbox, Respondent(sandbox, 5001, "Dini"))
    r = scene.respondent
    if state == "new":
        return scene
    await begin(r, app)
    if state == "name":
        return scene
    typed_name = await r.say(app, "Dini B")
    assert typed_name.message is not None
    scene.name_message = sandbox.message(r.chat_id, typed_name.message.message_id)
    if state == "age":
        return scene
    await r.say(app, "28")
    for label in ("Perempuan", "S2/Profesi/S3", "Pegawai Swasta"):
        await r.tap(app, label)
    if state == "institution":
        return scene
    await r.say(app, "PT Bio Farma")
    await r.tap(app, "Januari 2025")
    scene.question = r.keyboard_message()
    if state == "u1":
        return scene
    for _ in ITEMS:
        await r.tap(app, "4 · ")
    scene.question = r.keyboard_message()
    return scene


def database(path: Path) -> dict[str, Any]:
    """What the database holds, without timestamps."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            "answers": {
                (d, k): v for d, k, v in db.execute("SELECT draft_id, key, value FROM answers")
            },
            "drafts": set(db.execute("SELECT id, user_id, service, status, editing FROM drafts")),
            "rows": {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables},
        }


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
async def test_bad_input(app: App, sandbox: SandboxRequest, config: Config, case: Case) -> None:
    scene = await arrive(app, sandbox, case.state)
    chat = case.reply_chat or scene.respondent.chat_id
    before = database(config.storage.path)
    last = max([m["message_id"] for m in sandbox.sent_to(chat)], default=0)
    calls = len(sandbox.calls)

    payload = case.build(scene)
    await scene.respondent.send(app, payload)

    after = database(config.storage.path)
    new_calls = sandbox.calls[calls:]
    replies = sandbox.sent_since(chat, last)
    if case.silent:
        assert new_calls == []
    else:
        assert new_calls, "the input got no reaction"
    said = "\n".join(m.get("text") or "" for m in replies)
    for words in case.says:
        assert words in said, f"{words!r} not in {said[:300]!r}"
    rt = runtime(app)
    person = Person(
        sandbox, chat, "cpob", rt.questionnaire, rt.messages, random.Random(0), sandbox.queue_update
    )
    if case.asks is not None:
        asked = person.screen_of(replies[-1])
        assert asked is not None and asked.key == case.asks
    if case.alert is not None:
        answers = [x for x in new_calls if x.method == "answerCallbackQuery"]
        assert answers and case.alert in answers[-1].params.get("text", "")
        assert not [x for x in new_calls if x.method == "sendMessage"]
    draft = next((d for d, *_ in before["drafts"]), None)
    expected = dict(before["answers"])
    expected.update({(draft, key): value for key, value in case.stores.items()})
    assert after["answers"] == expected
    assert after["drafts"] == before["drafts"]
    rows_before, rows_after = before["rows"], after["rows"]
    if case.stores:
        rows_before = {**rows_before, "answers": rows_before["answers"] + len(case.stores)}
    assert rows_after == rows_before
    assert_html_well_formed(sandbox)
    if case.stores:  # what was stored is shown back in the review, as typed and harmless
        review = await to_review(app, scene.respondent, person)
        for value in case.stores.values():
            assert html.escape(value) in review
        assert_html_well_formed(sandbox)


async def to_review(app: App, respondent: Respondent, person: Person) -> str:
    """Answers whatever is asked (from ``person``'s plan) until the review; returns its text."""
    sent: list[JSONDict] = []
    person.deliver = sent.append
    for _ in range(30):
        messages = respondent.sandbox.sent_to(respondent.chat_id)
        screen = next(s for s in map(person.screen_of, reversed(messages)) if s is not None)
        if screen.key == REVIEW:
            return str(screen.message["text"])
        person.answer(screen)
        await respondent.send(app, sent.pop())
    raise AssertionError("the review never came")


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 50 and len({case.id for case in CORPUS}) == len(CORPUS)
    assert {case.state for case in CORPUS} <= set(STATES)
