"""Snippets like the embedded store's: a window of N words around the matches, ends marked.

Elasticsearch's unified highlighter returns fragments bounded by sentences and characters,
and marks each word of a phrase separately; FTS5's `snippet()` returns a window of N
tokens with an ellipsis where the clause goes on. To give both stores the same kind of
snippet (`Highlight.tokens` words, the caller's markers and ellipsis), the search asks
for the whole clause text with every match marked by sentinel characters
(`number_of_fragments: 0`), and the window is chosen here:

* tokens are runs of letters and digits, as FTS5's `unicode61` sees them;
* the window holds the most highlighted tokens; among equals, the one that centres them;
* adjacent marks with only spaces between them merge, so `"service credit"` reads as one
  span;
* the ellipsis goes where the window cuts the clause; a clause of N tokens or fewer is
  returned whole.
"""

from __future__ import annotations

import re

from portfolio.models import Highlight

PRE = "\x02"
POST = "\x03"
"""Sentinels the highlighter puts around matches (never found in extracted clause text)."""

_TOKEN = re.compile(r"[^\W_]+")


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text and the highlighted [start, end) spans in it."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length, opened = 0, None
    for part in re.split(f"([{PRE}{POST}])", marked):
        if part == PRE:
            opened = length
        elif part == POST:
            if opened is not None and length > opened:
                spans.append((opened, length))
            opened = None
        else:
            plain.append(part)
            length += len(part)
    return "".join(plain), spans


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(hits: list[bool], size: int) -> int:
    """First token of the window of `size` tokens with the most hits, hits centred."""
    best_start, best_key = 0, (-1, 0)
    for start in range(0, len(hits) - size + 1):
        inside = [i for i in range(start, start + size) if hits[i]]
        if not inside:
            key = (0, -start)
        else:
            imbalance = abs((inside[0] - start) - (start + size - 1 - inside[-1]))
            key = (len(inside), -imbalance)
        if key > best_key:
            best_start, best_key = start, key
    return best_start


def snippet(text: str, marked: str | None, highlight: Highlight) -> str:
    """The snippet of one clause: `marked` is the highlighter's whole-text output, if any."""
    plain, spans = parse_marked(marked) if marked else (text, [])
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(plain)]
    size = highlight.tokens
    if len(tokens) <= size:
        first, last, head, tail = 0, len(plain), "", ""
    else:
        hits = [any(s < end and start < e for s, e in spans) for start, end in tokens]
        start = _best_window(hits, size)
        stop = start + size - 1
        first = 0 if start == 0 else tokens[start][0]
        last = len(plain) if stop == len(tokens) - 1 else tokens[stop][1]
        head = "" if start == 0 else highlight.ellipsis
        tail = "" if stop == len(tokens) - 1 else highlight.ellipsis
    pieces: list[str] = []
    position = first
    for start_char, end_char in _merge(plain, spans):
        start_char, end_char = max(start_char, first), min(end_char, last)
        if start_char >= end_char:
            continue
        pieces += [plain[position:start_char], highlight.start, plain[start_char:end_char],
                   highlight.end]
        position = end_char
    pieces.append(plain[position:last])
    return head + "".join(pieces) + tail
