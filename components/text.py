"""Text from links and data put on the page as plain text: escaped for Streamlit's markdown and for plotly's labels.

Streamlit renders markdown in titles, notices, captions and expander labels: a value such as `![x](http://host/p)`
would make the browser fetch from another host. Plotly renders a subset of HTML in every label, legend, axis tick
and hover (`<a href>`, `<b>`...). Every view passes text it did not write itself through `md` or `plot` (or
`lines`, which also wraps), so the page shows it as written and asks nothing of any other host.
"""

from __future__ import annotations

import html
import re
import textwrap

# CommonMark lets any ASCII punctuation be escaped with a backslash: that stops links, images, HTML, emphasis,
# Streamlit's colour and icon directives (`\:red\[`) and LaTeX (`\$`).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM also turns bare URLs, www. names and e-mail addresses into links after escapes are resolved, so an invisible
# word joiner (U+2060) is put inside each trigger: the text reads the same and no link is made.
_AUTOLINK_TRIGGERS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"
ECHO_LIMIT = 80  # characters of an outside value repeated in a message


def md(value: object) -> str:
    """The value as literal text inside Streamlit markdown: every punctuation mark escaped, line breaks kept."""
    defused = _AUTOLINK_TRIGGERS.sub(WORD_JOINER, str(value))
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", defused)
    return escaped.replace("\n", "  \n")  # a hard break, as the source has one


def plot(value: object) -> str:
    """The value as literal text in a plotly label, legend, tick or hover (its HTML subset escaped)."""
    return html.escape(str(value), quote=False)


def lines(value: object, width: int) -> str:
    """Plotly text escaped and broken into lines of about `width` characters (plotly does not wrap text itself)."""
    wrapped = [line for paragraph in str(value).split("\n") for line in _wrap(paragraph, width)]
    return "<br>".join(plot(line) for line in wrapped)


def _wrap(paragraph: str, width: int) -> list[str]:
    """textwrap's lines of one paragraph; a short plain one as it is, and plain words (single spaces, no hyphen, none
    longer than a line) filled greedily as textwrap fills them (hovers are built by the thousand, and textwrap costs
    tens of microseconds even when it has nothing to do)."""
    plain = paragraph.isprintable()  # no tab or other space textwrap would rewrite
    if len(paragraph) <= width and plain:
        return [paragraph.rstrip()]
    words = paragraph.split(" ")
    if not plain or "-" in paragraph or "" in words or max(map(len, words)) > width:
        return textwrap.wrap(paragraph, width) or [""]
    found, line = [], words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            found.append(line)
            line = word
    return [*found, line]


def notes(items: list[str], width: int = 95) -> str:
    """Notes under a chart, each escaped and wrapped, one after the other."""
    return "<br>".join(lines(item, width) for item in items)


def short(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value from outside, quoted and cut to `limit` characters, to repeat in a message."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
