"""Telegram's HTML: what a text sent with ``parse_mode=HTML`` may hold.

The sandbox does not parse HTML, Telegram does, and refuses the whole message ("can't parse
entities") on one stray ``<`` or ``&``. :func:`html_problems` applies Telegram's rules
(https://core.telegram.org/bots/api#html-style): these tags only, these attributes, balanced,
and ``<``, ``>``, ``&`` escaped with the four named entities or numeric ones.
"""

from __future__ import annotations

import re

from bot.sandbox import SandboxRequest

# https://core.telegram.org/bots/api#html-style: these tags, these attributes, four named entities.
_ALLOWED = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
}
_ENTITIES = {"lt", "gt", "amp", "quot"}
_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[a-zA-Z-]+"
    r"(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*(?P<self>/?)>"
    r"|&(?P<entity>#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);"
    r"|(?P<bare>[<>&])"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")


def html_problems(text: str) -> list[str]:
    """Returns why Telegram would refuse ``text`` with ``parse_mode=HTML`` (empty: it is fine)."""
    problems: list[str] = []
    stack: list[str] = []
    for match in _TOKEN.finditer(text):
        if match["bare"]:
            problems.append(f"unescaped {match['bare']!r} at {match.start()}")
        elif match["entity"]:
            name = match["entity"]
            if not name.startswith("#") and name not in _ENTITIES:
                problems.append(f"unsupported entity &{name};")
        else:
            tag = match["tag"].lower()
            if tag not in _ALLOWED:
                problems.append(f"unsupported tag <{tag}>")
                continue
            if match["self"]:
                problems.append(f"self-closing <{tag}/>")
            elif match["close"]:
                if not stack or stack[-1] != tag:
                    problems.append(f"</{tag}> does not close {stack[-1:] or 'anything'}")
                else:
                    stack.pop()
            else:
                names = {a.group(1).lower() for a in _ATTR.finditer(match["attrs"] or "")}
                if names - _ALLOWED[tag]:
                    problems.append(f"<{tag}> with attributes {sorted(names - _ALLOWED[tag])}")
                stack.append(tag)
    if stack:
        problems.append(f"unclosed {stack}")
    return problems


def sent_html(sandbox: SandboxRequest) -> list[tuple[str, str]]:
    """Returns (method, text) of every text or caption the bot sent with ``parse_mode=HTML``."""
    found = []
    for call in sandbox.calls:
        params = call.params
        if str(params.get("parse_mode", "")).upper() == "HTML":
            for name in ("text", "caption"):
                if isinstance(params.get(name), str):
                    found.append((call.method, params[name]))
        for item in params.get("media") or []:
            if str(item.get("parse_mode", "")).upper() == "HTML" and item.get("caption"):
                found.append((call.method, str(item["caption"])))
    return found


def assert_html_well_formed(sandbox: SandboxRequest) -> int:
    """Asserts every HTML text the bot sent would parse; returns how many were checked."""
    texts = sent_html(sandbox)
    bad = [(method, text[:120], html_problems(text)) for method, text in texts]
    bad = [entry for entry in bad if entry[2]]
    assert not bad, f"malformed Telegram HTML: {bad[:3]}"
    return len(texts)
