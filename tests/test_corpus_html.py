"""The Telegram HTML check every corpus reply passes: the tags, entities and nesting it allows."""

from __future__ import annotations

import pytest

from tests.support.telegram_html import html_problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>ok</b> &amp; &lt;tag&gt; &#123; &#x1F600;", None),
        ('<a href="https://t.me/x?start=cpob">link</a> <tg-spoiler>s</tg-spoiler>', None),
        (
            '<blockquote expandable>q</blockquote><pre><code class="language-py">x</code></pre>',
            None,
        ),
        ("<script>x</script>", "unsupported tag"),
        ("<b>open", "unclosed"),
        ("<b><i>x</b></i>", "does not close"),
        ("a < b", "unescaped"),
        ("Tom & Jerry", "unescaped"),
        ("x > y", "unescaped"),
        ("&nbsp;", "unsupported entity"),
        ("<br/>", "unsupported tag"),
        ("<b/>", "self-closing"),
        ('<b class="x">y</b>', "attributes"),
    ],
)
def test_the_html_check_knows_telegrams_rules(text: str, problem: str | None) -> None:
    found = html_problems(text)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found
