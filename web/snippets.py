"""Search snippets as safe HTML: clause text escaped, matched words wrapped in `<mark>`.

The portfolio marks matches with whatever markers it is given and does not escape the
clause text. A clause quoted from a PDF may hold anything (`<script>`, `&`, quotes), so the
snippet is built with private control characters as markers, escaped as a whole, and only
then are the markers turned into `<mark>` tags. The markers are stripped from the clause
text beforehand, so a PDF cannot smuggle in a marker of its own.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portfolio import Highlight

MARK_START = "\x02"
MARK_END = "\x03"

HTML_HIGHLIGHT = Highlight(start=MARK_START, end=MARK_END, ellipsis="…", tokens=32)
"""The markers the web app asks the portfolio for."""


def snippet_html(snippet: str) -> Markup:
    """`snippet` (with `HTML_HIGHLIGHT` markers) as HTML: escaped text, `<mark>`ed matches."""
    opened = 0
    parts: list[str] = []
    for char in str(escape(snippet)):
        if char == MARK_START:
            if opened == 0:
                parts.append("<mark>")
            opened += 1
        elif char == MARK_END:
            if opened > 0:
                opened -= 1
                if opened == 0:
                    parts.append("</mark>")
        else:
            parts.append(char)
    if opened:
        parts.append("</mark>")
    return Markup("".join(parts))


def plain_snippet(snippet: str) -> str:
    """`snippet` without markers (for the JSON API, which leaves escaping to its client)."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")
