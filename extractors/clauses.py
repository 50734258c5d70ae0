"""Clause segmentation: the contract cut at its headings, each piece typed for search.

A clause is a top-level section with its subsections ("7. Service Levels" with 7.1-7.4),
an article, or an exhibit/schedule. Sections over `MAX_CLAUSE_CHARS`, containers of
unrelated topics ("Miscellaneous") and sections whose subsections are about different
things ("Term and Termination" with "7.1 Term", "7.2 Termination") are split at their
subsections, so a search for "renewal" lands on the renewal paragraph, not on six pages.

Headings are found in one pass over the lines, with regexes. A heading is a numbered
section ("7. Service Levels", "7.2 Credits", "Section 12. Term", "SECTION 4.0 TERM", a
run-in "12.1 Term. This Agreement ..."), an untitled numbered paragraph when the
numbering runs on, an article ("ARTICLE IV - TERM", or "ARTICLE 1" over a title line),
an exhibit/schedule/annex/appendix/attachment, or a short ALL-CAPS line after a finished
sentence. Not headings: "(a)"/"(i)" items, numbers in a wrapped sentence ("Section\\n12.3
hereof"), table rows, page numbers, running headers and footers, table-of-contents
lines, dates, amounts, addresses, signature blocks and the title block.

Vocabularies (heading words per type, body keywords, heading rules) live in
`patterns/clauses.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.clause_types import (
    CLAUSE_PATTERNS,
    classify_clause,
    heading_types,
    is_generic_heading,
)
from extractors.document import ContractText
from schemas import Clause, ClauseType

MAX_CLAUSE_CHARS = 4000
"""Longer sections are split at their subsections (when they have any)."""
_MIN_INTRO_CHARS = 200
"""A section's text before its first subsection shorter than this joins that subsection."""
_RULES = CLAUSE_PATTERNS["heading_rules"]
_SMALL_WORDS = frozenset(_RULES["small_words"])
_CONTINUATION = _SMALL_WORDS | frozenset(_RULES["continuation_words"])
_LABEL_WORDS = frozenset(_RULES["page_label_words"])
_COMPANY = re.compile(r"\b(?:" + "|".join(_RULES["company_marks"]) + r")\b\.?")
_NOT_CAPS_HEADING = re.compile("|".join(_RULES["not_caps_heading"]))

_NUMBERED = re.compile(
    r"^(?P<prefix>(?:SECTION|Section|CLAUSE|Clause)\s+)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})"
    r"(?P<dot>\s?[.)])?(?:\s+|(?=[A-Z\"]))(?P<rest>\S.*)$"
)
_ARTICLE = re.compile(r"^(?:ARTICLE|Article)\s+(?P<num>[IVXLC]+|\d{1,2})\b\.?\s*(?:[-:.]\s*)?"
                      r"(?P<rest>.*)$")
_EXHIBIT = re.compile(
    r"^(?:EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX(?:URE)?|Annex(?:ure)?|APPENDIX|Appendix|"
    r"ATTACHMENT|Attachment|ADDENDUM|Addendum)\s+(?P<id>[A-Z]{1,2}|\d{1,2}(?:\.\d{1,2})?|[IVX]+)"
    r"(?:\s*[-:.]\s*|\s+|$)(?P<rest>.*)$"
)
_SEC_EXHIBIT_ID = re.compile(r"^\d{1,2}\.\d{1,2}$")
"""SEC filing labels ("EXHIBIT 10.3") at the top of a filing are not contract exhibits."""
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?\W*$|^\W*[ivx]{1,5}\W*$",
                          re.IGNORECASE)
_PAGE_WORDS = re.compile(r"\bpage\b|\d\s*of\s*\d|^\W*\d+\W*$")
_TOC_TAIL = re.compile(r"(?:\.{3,}\s*|\s+page\s+|\s{3,}|(?P<word>\S+)\s+)\d{1,3}$", re.IGNORECASE)
_RUN_IN_CAPS = re.compile(r"^(?P<title>[A-Z][A-Z0-9&;'/ -]{2,60}?)\.\s+[A-Z\"(]")
_TITLE_WORDS = re.compile(r"\b(?:AGREEMENT|CONTRACT|AMENDMENT)\W*$")
_LOWER, _UPPER = re.compile(r"[a-z]"), re.compile(r"[A-Z]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


# -- what a heading line looks like ------------------------------------------------------

def _title_like(text: str, max_words: int = 12) -> bool:
    """"Limitation of Liability", "CNET's Obligations", "TERM AND TERMINATION" (no sentence)."""
    words = text.split()
    if not 1 <= len(words) <= max_words or len(text) > 100:
        return False
    first = words[0].lstrip("\"'(")
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return False
    if text.rstrip()[-1] in ",;" or words[-1].lower() in _SMALL_WORDS:
        return False
    cores = [w.strip("\"'(),;:.&/-") for w in words]
    return all(not w or w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS
               for w in cores)


def _prev_allows(prev: str | None, strict: bool) -> bool:
    """May a heading follow this line? Not when the line runs on ("... under Section")."""
    if prev is None or not prev.strip():
        return True
    stripped = prev.rstrip()
    if stripped[-1] in ".:;!?)]\"'":
        return True
    if strict:
        return _caps_line(stripped) is not None
    return stripped.split()[-1].lower() not in _CONTINUATION and stripped[-1] not in ",-("


def _caps_line(line: str) -> str | None:
    """A short ALL-CAPS line that can stand as a heading, or None."""
    stripped = line.strip()
    if not 4 <= len(stripped) <= 70 or len(stripped.split()) > 10:
        return None
    lower, upper = len(_LOWER.findall(stripped)), len(_UPPER.findall(stripped))
    if upper < 4 or lower > 0.1 * (lower + upper) or not stripped[0].isalnum():
        return None
    if stripped[-1] in ",;-" or stripped.split()[-1].lower() in _SMALL_WORDS or "$" in stripped:
        return None
    if _COMPANY.search(stripped) or _NOT_CAPS_HEADING.search(stripped):
        return None
    if stripped.endswith(".") and ("," in stripped or len(stripped.split()) > 5):
        return None
    return stripped


def _toc_line(line: str) -> bool:
    """A table-of-contents line ends in a page number: "9.3 Service Level Reviews .... 32"
    (but "SCHEDULE 1", "Phase 2" and "Statement of Work No. 1" end in labels, not pages)."""
    match = _TOC_TAIL.search(line)
    return match is not None and (not match["word"] or match["word"].lower() not in _LABEL_WORDS)


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral.upper()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _with_title_line(line: str, lines: list[tuple[int, str]], index: int) -> str:
    """"ARTICLE 1" / "Schedule B" followed by a title line: the heading is both lines."""
    following = lines[index + 1][1].strip() if index + 1 < len(lines) else ""
    if following and following[-1] not in ".,;" and (
            _caps_line(following) or _title_like(following, 8)):
        return f"{line} {following}"
    return line


# -- finding headings ----------------------------------------------------------------------

@dataclass
class _Heading:
    """A heading at `start`; `level` 0 = exhibit, 1 = section/article, 2+ = subsection."""

    start: int
    level: int
    text: str
    children: list[_Heading] = field(default_factory=list)
    end: int = 0


@dataclass
class _Scanner:
    """Walks the lines once, keeping the numbering state that tells headings from noise:
    the current top-level number (a section must run on from it) and whether a numbering
    restart ("1." again) is expected, as after an exhibit heading."""

    text: str
    top: int = 0
    seen: bool = False
    prev: str | None = None
    prev_heading: bool = False
    may_restart: bool = True
    headings: list[_Heading] = field(default_factory=list)

    def scan(self, lines: list[tuple[int, str]], furniture: set[int]) -> list[_Heading]:
        for index, (offset, raw) in enumerate(lines):
            if not raw.strip():
                self.prev, self.prev_heading = "", False
            if index in furniture or not raw.strip():
                continue
            line = raw.strip()
            heading = self._heading(line, offset + len(raw) - len(raw.lstrip()), lines, index)
            if heading is not None:
                self.headings.append(heading)
                self.seen = True
            self.prev, self.prev_heading = line, heading is not None
        return self.headings

    def _allows(self, strict: bool) -> bool:
        return self.prev_heading or _prev_allows(self.prev, strict)

    def _heading(self, line: str, start: int, lines: list[tuple[int, str]],
                 index: int) -> _Heading | None:
        if line[0].isdigit() or line.startswith(("Section", "SECTION", "Clause", "CLAUSE")):
            return self._numbered(line, start)
        if line.startswith(("ARTICLE", "Article")):
            return self._article(line, start, lines, index)
        exhibit = _EXHIBIT.match(line)
        if exhibit:
            return self._exhibit(exhibit, line, start, lines, index)
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        return self._unnumbered(line, start, following)

    def _unnumbered(self, line: str, start: int, following: str) -> _Heading | None:
        """"SERVICES PROVIDED TO THE CUSTOMER" or a run-in "CONSULTING SERVICES. The ...".

        Never right after another heading nor before a line that continues a sentence:
        those are lines of an ALL-CAPS paragraph (disclaimers, liability caps).
        """
        if self.prev_heading or not _prev_allows(self.prev, strict=True) or _toc_line(line):
            return None
        if following.split()[:1] and following.split()[0] in _SMALL_WORDS:
            return None
        caps = _caps_line(line)
        run_in = None if caps else _RUN_IN_CAPS.match(line)
        if caps and not (not self.seen and _TITLE_WORDS.search(caps)):
            self.may_restart = True
            return _Heading(start, 1, caps)
        if run_in and _caps_line(run_in["title"]) and len(run_in["title"].split()) <= 8:
            self.may_restart = True
            return _Heading(start, 1, f"{run_in['title']}.")
        return None

    def _numbered(self, line: str, start: int) -> _Heading | None:
        match = _NUMBERED.match(line)
        if match is None:
            return None
        parts = [int(p) for p in match["num"].split(".")]
        if len(parts) > 1 and parts[-1] == 0:
            parts = parts[:-1]
        kind, text = self._title_kind(line, match)
        if kind == "none" or not self._allows(strict=kind != "standalone"):
            return None
        if len(parts) == 1 and not (match["dot"] or match["prefix"]
                                    or (kind == "standalone" and match["rest"].isupper())):
            return None
        return self._place(parts, kind, text, start)

    def _title_kind(self, line: str, match: re.Match[str]) -> tuple[str, str]:
        """("inline", "12.1 Term."), ("standalone", "7. Service Levels"), ("untitled", "2.")."""
        label, rest = line[: match.start("rest")].strip(), match["rest"]
        if _toc_line(line) and not line.rstrip().endswith("."):
            return "none", ""
        inline = re.match(r"(?P<title>[^.:]{2,80}?)[.:]\s+\S", rest)
        if inline and _title_like(inline["title"], max_words=10):
            return "inline", f"{label} {inline['title']}."
        if _title_like(rest.rstrip(".: ")):
            return "standalone", f"{label} {rest.rstrip(':')}"
        if rest[0].isupper() or (rest[0] in "\"'" and rest[1:2].isupper()):
            return "untitled", label
        return "none", ""

    def _place(self, parts: list[int], kind: str, text: str, start: int) -> _Heading | None:
        """Accept a number that runs on from the current one (or restarts at 1 where a
        restart is expected); "9.1" after section 8 opens section 9 even without its title."""
        top = parts[0]
        if len(parts) == 1:
            reach = {"untitled": 1, "inline": 3}.get(kind, 99)
            if not (self.top < top <= self.top + reach or (top == 1 and self.may_restart)):
                return None
            self.top, self.may_restart = top, False
            return _Heading(start, 1, text)
        if top == self.top:
            return _Heading(start, len(parts), text)
        if self.top < top <= self.top + (99 if self.top == 0 else 3) and kind != "untitled":
            self.top, self.may_restart = top, False
            return self._orphan_title(_Heading(start, 1, text))
        return None

    def _orphan_title(self, heading: _Heading) -> _Heading:
        """"Termination" over "14.1 Termination By BSP": the section title without its number."""
        prev = self.prev or ""
        if _title_like(prev, 8) and prev[-1] not in ".;,:" and not self.prev_heading:
            position = self.text.rfind(prev, 0, heading.start)
            if position >= 0:
                return _Heading(position, 1, prev)
        return heading

    def _article(self, line: str, start: int, lines: list[tuple[int, str]],
                 index: int) -> _Heading | None:
        match = _ARTICLE.match(line)
        if match is None or not self._allows(strict=False):
            return None
        rest = match["rest"].strip()
        if rest and not _title_like(rest.rstrip(".")):
            return None
        self.top = int(match["num"]) if match["num"].isdigit() else _roman(match["num"])
        self.may_restart = False
        return _Heading(start, 1, line if rest else _with_title_line(line, lines, index))

    def _exhibit(self, match: re.Match[str], line: str, start: int,
                 lines: list[tuple[int, str]], index: int) -> _Heading | None:
        rest, ident = match["rest"].strip(), match["id"]
        if (ident.isalpha() and not ident.isupper()) or not self._allows(strict=False):
            return None
        if (_SEC_EXHIBIT_ID.match(ident) and not self.seen) or (rest and _toc_line(line)):
            return None
        if rest and not _title_like(rest.rstrip(".")):
            return None
        self.top, self.may_restart = 0, True
        return _Heading(start, 0, line if rest else _with_title_line(line, lines, index))


def _nest(headings: list[_Heading], text_end: int) -> list[_Heading]:
    """Parent = nearest earlier heading of a lower level; a node ends where the next one of
    its level or above starts."""
    roots: list[_Heading] = []
    stack: list[_Heading] = []
    for heading in headings:
        while stack and stack[-1].level >= heading.level:
            stack.pop().end = heading.start
        (stack[-1].children if stack else roots).append(heading)
        stack.append(heading)
    for heading in stack:
        heading.end = text_end
    return roots


# -- headings to clauses -------------------------------------------------------------------

@dataclass(frozen=True)
class _Carry:
    """A section's heading (and short intro) carried into its first subsection's clause."""

    start: int
    heading: str


@dataclass
class _Emitter:
    """Turns the heading tree into clauses, splitting where a clause would be too coarse."""

    ct: ContractText
    clauses: list[Clause] = field(default_factory=list)

    def emit(self, node: _Heading, context: str | None, carry: _Carry | None = None) -> None:
        if not (node.children and self._split(node)):
            self.add(node.text, node.start, node.end, context, carry)
            return
        first = node.children[0]
        intro = self.ct.text[node.start:first.start]
        own_context = context if is_generic_heading(node.text) else node.text
        passed: _Carry | None = carry or _Carry(node.start, node.text)
        if len(intro.strip()) - len(node.text) >= _MIN_INTRO_CHARS:
            self.add(node.text, node.start, first.start, context, carry)
            passed = None
        for child in node.children:
            self.emit(child, own_context, passed)
            passed = None

    def _split(self, node: _Heading) -> bool:
        """Split long sections, containers ("Miscellaneous") and sections of several topics."""
        size = node.end - node.start
        if size > MAX_CLAUSE_CHARS or is_generic_heading(node.text):
            return True
        if node.level == 0 and len(node.children) > 1 and size > MAX_CLAUSE_CHARS // 2:
            return True
        own = [kind for kind in heading_types(node.text) if kind is not ClauseType.other]
        if len(own) > 1 and len(node.children) > 1:
            return True
        named = {kinds[0] for kinds in map(heading_types, (c.text for c in node.children)) if kinds}
        named.discard(ClauseType.other)
        return len(named) > 1 or bool(named - set(own))

    def add(self, heading: str, start: int, end: int, context: str | None,
            carry: _Carry | None = None) -> None:
        """One clause; a carried section heading becomes its heading and its context."""
        shown = heading
        if carry is not None:
            start, shown, context = carry.start, carry.heading, carry.heading
        text = self.ct.text[start:end].rstrip()
        if text.strip():
            self.clauses.append(Clause(
                type=classify_clause(heading, text, context), heading=shown, text=text,
                page=self.ct.page_at(start), start=start, end=start + len(text)))


def segment_clauses(text: ContractText) -> list[Clause]:
    """Cut the contract into typed clauses covering the whole text (see the module docstring).

    Text before the first heading (title block, parties, recitals) is one clause of type
    `other` without a heading. Offsets index `text.text`; `page` is where a clause starts.
    """
    lines = text.lines
    headings = _Scanner(text.text).scan(lines, set(text.running_lines))
    emitter = _Emitter(text)
    preamble = text.text[: headings[0].start if headings else len(text.text)].rstrip()
    start = len(preamble) - len(preamble.lstrip())
    if preamble.strip():
        emitter.clauses.append(Clause(type=ClauseType.other, heading=None, text=preamble[start:],
                                      page=text.page_at(start), start=start, end=len(preamble)))
    for root in _nest(headings, len(text.text)):
        emitter.emit(root, None)
    return emitter.clauses
