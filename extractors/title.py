"""The agreement's title: the heading on the first page, else the preamble's own name for it.

A title is the line near the top that names a kind of agreement ("MASTER SERVICES
AGREEMENT", "Amendment No. 1 to License Agreement"). What else sits up there is skipped:
exhibit labels ("Exhibit 10.11"), SEC filing legends, "Confidential", "Execution Version",
dates, page numbers and running headers carrying a reference number. A heading broken over
lines is joined back ("MULTIPLE LINAC AND MULTI-MODALITY" / "DISTRIBUTOR AGREEMENT";
"AMENDMENT NO. 2" / "TO MANUFACTURING AND SUPPLY AGREEMENT"). An all-capitals heading is
written the way the preamble writes it when the preamble repeats it ("This Multiple LINAC
and Multi-Modality Distributor Agreement"), else title-cased. Without a heading, the
preamble's "This Consulting Agreement (the "Agreement")" names it.
"""

from __future__ import annotations

import re

from extractors.document import ContractText
from schemas import Evidence

HEADING_WINDOW = 4_000
PREAMBLE_WINDOW = 6_000
MAX_TITLE_CHARS = 120
MAX_TITLE_WORDS = 16

_KEYWORD = (r"(?:agreement|contract|amendment|addendum|licen[cs]e|lease|terms|deed|memorandum"
            r"|guarant(?:y|ee)|statement|order|indenture|undertaking|protocol|charter)")
_HAS_KEYWORD = re.compile(rf"\b{_KEYWORD}s?\b", re.I)
_ENDS_WITH_KEYWORD = re.compile(
    rf"\b{_KEYWORD}s?(?:\s+(?:no\.?|number)\s*[\dA-Z]{{1,4}})?\W*$", re.I
)
_JUNK = re.compile(
    r"^(?:exhibits?|schedule|annex|appendix|attachment)\b[\s\w.()-]{0,24}$|omitted|redact|"
    r"securities\s+and\s+exchange|\brule\s+\d|\[\s*\*|\*\s*\*|^source\s*:|table\s+of\s+contents|"
    r"^page\s+\d|execution\s+(?:copy|version)|^draft\b|^dba\b|^d/b/a\b|\b(?:no|ref)\.?\s*:|"
    r"^\W*(?:strictly\s+)?(?:confidential|privileged)\W*$|"
    r"\bpage\s+\d+\s+of\s+\d+|^\W*\d+\W*$|certain\s+(?:identified\s+)?information|portions\s+of",
    re.I,
)
_DATED = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\d{4}\s+between\b"
    r"|\bbetween\s+[A-Z]", re.I)
_BODY_STARTS = re.compile(
    rf"this\s+(?:[\w&-]+\s+){{0,8}}?{_KEYWORD}\b|whereas\b|witnesseth\b|recitals?\b", re.I)
_LABEL_TO = re.compile(r"^(?:exhibit|schedule|annex|appendix|attachment)\b.*\bto$", re.I)
_SMALL = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the",
                    "to", "with"})
_CONTINUES = re.compile(r"^(?:to|of|for|on|and)\b", re.I)
_ENDS_OPEN = re.compile(r"\b(?:to|of|for|on|and)\s*$", re.I)
_SUFFIX = re.compile(r"\b(?:inc|llc|ltd|limited|corp|corporation|incorporated|plc|l\.?p|gmbh|ag|"
                     r"s\.?a|n\.?v|b\.?v|co)\b\.?", re.I)
_PREAMBLE_NAME = re.compile(
    rf"\b(?:This|THIS)\s+((?:[A-Z][\w&®/'-]*\s+|(?:and|of|for|to|on|the)\s+){{0,10}}{_KEYWORD})"
    r"\s*\(", re.I,
)


def find_title(text: ContractText) -> tuple[str | None, Evidence | None]:
    """The title and where it was read, or (None, None) when the contract names none."""
    heading = _heading(text.text)
    if heading is not None:
        start, end = heading
        return _styled(text.text, start, end), text.evidence(start, end)
    named = _PREAMBLE_NAME.search(text.text, 0, PREAMBLE_WINDOW)
    if named and len(named.group(1).split()) > 1:
        title = _capped(" ".join(named.group(1).split()))
        title = _title_case(title) if title.isupper() else title
        return title, text.evidence(named.start(1), named.end(1))
    return None, None


def _lines(s: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line in the heading window, leading spaces excluded."""
    spans = []
    for m in re.finditer(r"[^\n]+", s[:HEADING_WINDOW]):
        stripped = m.group().strip()
        if stripped:
            lead = m.group().index(stripped[0])
            spans.append((m.start() + lead, m.start() + lead + len(stripped)))
    return spans


def _title_like(line: str) -> bool:
    """Short, mostly capitalised, not a sentence, not a legend or label."""
    words = line.split()
    if not words or len(words) > MAX_TITLE_WORDS or len(line) > MAX_TITLE_CHARS:
        return False
    if _JUNK.search(line) or words[0].lower() in {"this", "the", "whereas"} or _DATED.search(line):
        return False
    if line.endswith(".") and not re.search(r"\b(?:no|inc|co|ltd|corp)\.$", line, re.I):
        return False
    content = [w for w in words if re.search(r"[A-Za-z]", w) and w.lower() not in _SMALL]
    capitalised = [w for w in content if w[0].isupper() or w[0] in "(\"'&" or w[0].isdigit()]
    return bool(content) and len(capitalised) >= 0.85 * len(content)


def _heading(s: str) -> tuple[int, int] | None:
    """The span of the title heading: a line ending in a kind of agreement, else one naming it."""
    lines = _lines(s)
    texts = [s[a:b] for a, b in lines]
    body = next((i for i, t in enumerate(texts) if _BODY_STARTS.match(t)), len(texts))
    lines, texts = lines[: body + 1], texts[: body + 1]
    for strict in (True, False):
        for i, line in enumerate(texts):
            if not (_title_like(line) and _HAS_KEYWORD.search(line)):
                continue
            if strict and not _ENDS_WITH_KEYWORD.search(line):
                continue
            if i and _LABEL_TO.match(texts[i - 1]):
                continue
            first, last = _extend(texts, i)
            if first < last or len(line.split()) > 1:
                return lines[first][0], lines[last][1]
    return None


def _extend(texts: list[str], i: int) -> tuple[int, int]:
    """Join the lines a heading was broken over (at most two before and two after)."""
    first = last = i
    while first > 0 and i - first < 2:
        above, top = texts[first - 1], texts[first]
        if not _title_like(above) or _SUFFIX.search(above) or above.endswith("."):
            break
        lone_keyword = _HAS_KEYWORD.fullmatch(top.strip(" :"))
        joins = _CONTINUES.match(top) or _ENDS_OPEN.search(above) or (
            above.isupper() and top.isupper() and len(above.split()) <= 6
            and (lone_keyword or not _HAS_KEYWORD.match(top)) and not _HAS_KEYWORD.search(above))
        if not joins:
            break
        first -= 1
    while last + 1 < len(texts) and last - i < 2:
        below = texts[last + 1]
        if not (_title_like(below) and (_ENDS_OPEN.search(texts[last]) or _CONTINUES.match(below))):
            break
        if re.match(r"(?:by\s+and\s+)?(?:between|among)\b", below, re.I):
            break
        last += 1
    return first, last


def _styled(s: str, start: int, end: int) -> str:
    """The heading as one line; all-capitals become the preamble's spelling or title case."""
    title = " ".join(s[start:end].split())
    title = _capped(re.sub(r"^form\s+of\s+", "", title, flags=re.I).strip(" ,;:.-"))
    if title.upper() != title:
        return title
    pattern = r"\s+".join(re.escape(w) for w in title.split())
    for m in re.finditer(pattern, s[end : end + PREAMBLE_WINDOW], re.I):
        if m.group() != m.group().upper():
            return " ".join(m.group().split())
    return _title_case(title)


def _capped(title: str) -> str:
    """At most `MAX_TITLE_CHARS`, cut after a whole word that is not a dangling 'and'/'for'."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    words = title[: MAX_TITLE_CHARS + 1].split()[:-1]
    while words and words[-1].lower().strip(",;:") in _SMALL:
        words.pop()
    return " ".join(words).rstrip(",;:")


def _title_case(title: str) -> str:
    """'SERVICE AGREEMENT' -> 'Service Agreement'; small words stay lower, 'IT' stays."""
    words = []
    for n, word in enumerate(title.split()):
        lower = word.lower()
        if n and lower in _SMALL:
            words.append(lower)
        elif len(word) <= 2 and word.isalpha() and lower not in {"no", "an"}:
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)
