"""Contracting parties: their legal names, defined short names and roles.

Contracts name their parties in a few fixed ways, so rules over the text are fast and
explainable. Sources, most trusted first:

1. the preamble sentence: "... by and between Acme Holdings, Inc., a Delaware corporation
   ("Customer"), and Beta LLC ("Provider")", with "BETWEEN: (1) X ...; and (2) Y" lists,
   a "PARTIES" heading, and "among" for three or more. Each defined term (in brackets or
   after "hereinafter") closes one party's stretch of text; the name is read forwards from
   the start of that stretch, else after its "and", else backwards from the definition;
2. labelled lines ("Party A: X", "Licensee: Y");
3. a cover page listing the names on their own lines ("X / and / Y");
4. signature blocks ("X / By: ____"), only when the sources above found fewer than two.

This module finds where the parties are named; reading and judging one name at a position
is `extractors.party_names`. Only the first `PREAMBLE_WINDOW` characters (a table of
contents can push the preamble past page 1) and the signature pages are read: about a
millisecond per contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.party_names import (
    SEMICOLONS,
    Span,
    clean_name,
    is_corporate_suffix,
    is_name_word,
    is_strong_name,
    is_valid_name,
    name_at,
    role_words,
    span_name,
    vocabulary,
    word_key,
)
from schemas import Party

PREAMBLE_WINDOW = 25_000
LIST_WINDOW = 3_000
LEAD_WINDOW = 5_000
LEAD_CONTEXT = 600
SIGNATURE_WINDOW = 6_000
MAX_ANCHORS = 12

_ANCHOR = re.compile(
    r"\b(?:by\s+and\s+)?(?:between|among(?:st)?)\b(?:\s+the\s+following\s+(?:\w+\s+)?parties)?"
    r"\s*:?|\b(?:made|entered\s+into|executed)\b[^.;()\"]{0,120}?\bby\s+(?!and\b)"
    r"|(?<=\n)[ \t]*(?-i:THE\s+PARTIES|PARTIES|Parties)[ \t]*:?[ \t]*(?=\n)",
    re.I,
)
_CONTEXT = re.compile(r"\b(?:agreement|contract|amendment|addendum|lease|licen[cs]e|made|entered"
                      r"|dated)\b", re.I)
_AGREED = re.compile(r"NOW,?\s+THEREFORE|agrees?\s+as\s+follows|IT\s+IS\s+(?:HEREBY\s+)?AGREED",
                     re.I)
_LIST_END = re.compile(
    r"\b(?:WHEREAS|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|R\s?E\s?C\s?I\s?T\s?A\s?L\s?S?|BACKGROUND"
    r"|NOW,?\s+THEREFORE|IT\s+IS\s+(?:HEREBY\s+)?AGREED|TABLE\s+OF\s+CONTENTS|Table\s+of\s+Contents"
    r"|Whereas|Recitals|Background|[Dd]ated\s+as\s+of)\b|agree\s+as\s+follows|hereby\s+agree"
    r"|\n\s*(?:ARTICLE|Article)\s+(?:1|I)\b|\n\s*1\.\s+[A-Z]|\n\s*(?:THIS|This)\s|\n\s*Source:"
)
# Defined terms: ("Acme"), (the 'Supplier'), hereinafter "Acme", (the Company), (USA MCO).
_QUOTED_PAREN = re.compile(r"""\(([^()]{0,250}?(?:"|(?<![A-Za-z])')[^()]*?)\)""")
_QUOTED = re.compile(r""""\s*([^"]{1,60}?)\s*[,.]?\s*"|(?<![A-Za-z])'([^'"]{1,40}?)'(?![A-Za-z])""")
_HEREINAFTER = re.compile(
    r"\(?\s*\b(?:here(?:in)?after|referred\s+to\s+(?:herein\s+)?as)\s+"
    r"(?:(?:referred\s+to\s+as|called|designated\s+as|the)\s+)*"
    r"""(?:"([^"\n]{1,60})"|'([^'\n]{1,60})'|([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2}))\s*\)?"""
)
_BARE_PAREN = re.compile(r"\((?:the\s+)?([A-Z][A-Za-z.&'-]+(?:\s+[A-Z][A-Za-z.&'-]*){0,2})\s*\)")
_FIRST_TERM = re.compile(r'\([^()"]{0,30}"|hereinafter')
_GENERIC_ALIAS = re.compile(r"\b(?:date|agreement|parties)\b|^(?:the\s+|a\s+|each\s+)?party$", re.I)
_GROUP = re.compile(r'[^"]*\b(?:individually|collectively|each|jointly)\b', re.I)
# What may stand between the end of one party's stretch and the next name.
_LABEL = r"(?:Party\s+[A-Z]\b|(?:[Tt]he\s+)?[A-Z][a-z]+)(?:\s*\([^()\n]{0,30}\))?\s*:\s*"
_BARE_TERM = r"(?:\((?:the\s+)?[A-Z][\w ]{0,25}\)\s*)?"
_SEPARATOR = re.compile(rf"(?:,?\s+and\b|[{SEMICOLONS}]|\b(?:AND|And)\b:?|\n\s*\(?\d{{1,2}}\)"
                        rf"|\n\s*{_LABEL})[\s,:]*{_BARE_TERM}")
_LIST_SEPARATOR = re.compile(rf"{_SEPARATOR.pattern}|,\s*")
_LEAD = re.compile(
    rf"[\s,{SEMICOLONS}:)]*(?:(?:and|AND|And|&)\b[\s,:]*)?(?:on\s+the\s+(?:one|other)\s+hand,?\s*"
    rf"(?:and\s+)?)?(?:\(?(?:\d{{1,2}}|[a-h]|[ivx]{{1,4}})\)\s*|\d{{1,2}}\.\s+)?(?:{_LABEL})?"
    rf"{_BARE_TERM}(?:the\s+(?=[A-Z]))?"
)
_ON_BEHALF = re.compile(r",?\s+(?:the\s+)?(?:[A-Za-z]+\s+){0,2}(?:director|president|officer|ceo"
                        r"|manager|partner|owner|representative|member)\s+(?:of|for)\s+", re.I)
_DESCRIPTION_TAIL = re.compile(r",\s+(?:an?|the|acting|as|with|having|whose|located|through)\b"
                               r"[^,()\"]{0,100}$")
_NOT_A_PARTY_OF = re.compile(r"\b(?:subsidiary|affiliate|division|member|institution|unit|parent"
                             r"|part)\b[^,;]{0,30}\bof\s*$", re.I)
_ADDRESS = re.compile(r"\b\d{2,}|\b(?:located|offices?|address|residing|place\s+of\s+business)\b")
_LABEL_LINE = re.compile(
    r"^[ \t]*(?P<label>Party[ \t]+[A-Z]|[A-Z][A-Za-z-]+(?:[ \t]+(?!Name\b)[A-Z][A-Za-z-]+)?)"
    r"(?:[ \t]*\((?P<paren>[^()\n]{1,30})\))?(?:[ \t]+Name)?[ \t]*:[ \t]*(?P<rest>\S[^\n]*)$",
    re.M,
)
_AND_LINE = re.compile(r"^\s*(?:and|AND|And|&)\s*:?\s*$")
_WITNESS = re.compile(r"IN\s+WITNESS\s+WHEREOF|SIGNATURES?\s*(?:PAGE)?\s*$", re.I | re.M)
_BY_LINE = re.compile(r"^\s*(?:By|BY)\s*:", re.M)
_SENTENCE_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-Z][A-Za-z]{0,2}|[A-Za-z]+\.[A-Za-z.]*)\.$")


@dataclass
class _Found:
    start: int
    end: int
    name: str
    aliases: list[str] = field(default_factory=list)


def find_parties(text: ContractText, doc: Doc) -> list[Party]:
    """The contracting parties, in the order the contract names them.

    `doc` is the parsed `text`; its DATE/MONEY/DURATION entities veto candidate names (a
    date line on a cover page is never a party).
    """
    s = text.text
    window = s[:PREAMBLE_WINDOW]
    vetoed = [(e.start_char, e.end_char) for e in doc.ents if e.start_char < PREAMBLE_WINDOW]
    found = _preamble_parties(window)
    for extra in (_label_parties(window), _cover_parties(window)):
        found = _merge(found, extra, add=len(found) < 2)
    if len(found) < 2:
        found = _merge(found, _signature_parties(s), add=True)
    if len(found) == 1:
        found = _split_pair(s, found[0])
    found = [f for f in found if not any(a < f.end and f.start < b for a, b in vetoed)]
    return [_party(text, f) for f in found]


def _party(text: ContractText, found: _Found) -> Party:
    """The record's party: the first role word among its defined terms is the role."""
    roles = role_words()
    role_alias = next((a for a in found.aliases if word_key(a) in roles), None)
    return Party(
        name=found.name,
        role=roles[word_key(role_alias)] if role_alias else None,
        aliases=[a for a in found.aliases if a != role_alias],
        evidence=text.evidence(found.start, found.end),
    )


def _split_pair(s: str, only: _Found) -> list[_Found]:
    """'between Acme and Beta Corp.' read as one name: a contract has two sides, so split it."""
    joint = re.search(r"\s(?:and|AND|&)\s", s[only.start : only.end])
    if joint is None:
        return [only]
    cut, resume = only.start + joint.start(), only.start + joint.end()
    halves = [_Found(only.start, cut, clean_name(s[only.start : cut]), only.aliases),
              _Found(resume, only.end, clean_name(s[resume : only.end]))]
    return halves if all(is_valid_name(h.name) for h in halves) else [only]


# --- the preamble sentence ---------------------------------------------------------------


def _preamble_parties(window: str) -> list[_Found]:
    """Parties from the first preamble sentence naming two or more with defined terms.

    Sentences after "NOW, THEREFORE ... agree as follows" are operative clauses, never the
    preamble. Failing an anchor ("between", "among", "made by", "PARTIES"), the paragraph
    holding the first defined term is read on its own.
    """
    agreed = _AGREED.search(window)
    limit = agreed.start() if agreed else len(window)
    results: list[list[_Found]] = []
    for anchor in _ANCHOR.finditer(window, 0, limit):
        if len(results) >= MAX_ANCHORS:
            break
        if not _CONTEXT.search(window, max(0, anchor.start() - 300), anchor.start() + 40):
            continue
        found = _parse_list(window, anchor.end(), _list_end(window, anchor.end()))
        if len(found) >= 2 and any(f.aliases for f in found):
            return found
        results.append(found)
    lead = _FIRST_TERM.search(window, 0, min(limit, LEAD_WINDOW))
    if lead:
        start = max(window.rfind("\n\n", 0, lead.start()) + 1, lead.start() - LEAD_CONTEXT)
        results.append(_parse_list(window, start, _list_end(window, lead.end()), anchored=False))
    return max(results, key=lambda f: min(len(f), 2), default=[])


def _list_end(s: str, start: int) -> int:
    """Where the party list stops: a recital keyword or the end of the preamble sentence."""
    limit = min(len(s), start + LIST_WINDOW)
    marker = _LIST_END.search(s, start, limit)
    limit = marker.start() if marker else limit
    depth = 0
    for i in range(start, limit):
        depth += (s[i] == "(") - (s[i] == ")")
        if s[i] == "." and depth <= 0 and re.match(r"\s+[A-Z\n]|\s*$", s[i + 1 : i + 4]):
            words = s[max(start, i - 12) : i + 1].split()
            if words and not (_SENTENCE_ABBREVIATION.search(words[-1])
                              or is_corporate_suffix(words[-1])):
                return i
    return limit


def _alias_markers(s: str, start: int, end: int) -> list[tuple[int, int, list[str], bool, bool]]:
    """Defined terms: (start, end, aliases, defines 'the Parties', defines a group of them)."""
    raw: list[tuple[int, int, list[str]]] = []
    for m in _QUOTED_PAREN.finditer(s, start, end):
        raw.append((m.start(), m.end(), [a or b for a, b in _QUOTED.findall(m.group(1))]))
    for m in _HEREINAFTER.finditer(s, start, end):
        if not any(a <= m.start() < b for a, b, _ in raw):
            raw.append((m.start(), m.end(), [m.group(1) or m.group(2) or m.group(3)]))
    for m in _BARE_PAREN.finditer(s, start, end):
        follow = s[m.end() : m.end() + 30].split()
        continues = bool(follow) and (follow[0][0] in "(:" or (
            is_name_word(follow[0], "x") and follow[0] not in {"A", "An"}))
        if not (continues or re.fullmatch(r"[IVX]+|[A-Z]", m.group(1))):
            raw.append((m.start(), m.end(), [m.group(1)]))
    markers = []
    for a, b, names in sorted(raw):
        keep = [clean_name(n) for n in names
                if word_key(n) not in vocabulary("alias_never") and not _GENERIC_ALIAS.search(n)]
        parties = not keep and bool(re.search(r"part(y|ies)\b", s[a:b], re.I))
        markers.append((a, b, keep, parties, bool(_GROUP.match(s, a, b))))
    return markers


def _parse_list(s: str, start: int, end: int, anchored: bool = True) -> list[_Found]:
    """Split the list at each defined term; read the party named in each stretch before one."""
    found: list[_Found] = []
    cursor = start
    closing: tuple[int, int, list[str], bool, bool] = (end, end, [], True, True)  # the rest
    for a, b, aliases, parties, group in [*_alias_markers(s, start, end), closing]:
        if a < cursor:
            continue
        strict = parties or (not anchored and cursor == start)
        spans = _segment_names(s, cursor, a, strict, many=parties or group, commas=parties)
        cursor = b
        if not spans:  # a second definition of the party just named ("(Company No. 1) ...")
            if found and aliases and not _SEPARATOR.search(s, found[-1].end, a):
                found[-1].aliases.extend(x for x in aliases if x not in found[-1].aliases)
            continue
        target = found[-1] if found else None
        for span in spans:
            name = span_name(s, span)
            target = next((f for f in found if word_key(f.name) == word_key(name)), None)
            if target is None:
                target = _Found(span[0], span[1], name)
                found.append(target)
        if target is not None:
            target.aliases.extend(x for x in aliases if x not in target.aliases)
    return found


def _segment_names(s: str, start: int, end: int, strict: bool, many: bool, commas: bool
                   ) -> list[Span]:
    """The party name(s) in `s[start:end]`, the stretch of text before a defined term.

    `strict` accepts only strong names (suffix or all capitals) when reading forwards;
    `many` reads every strong name in the stretch (a list closed by "each a 'Party'"),
    separated by "and" or ";" (and by commas if `commas`).
    """
    lead = _LEAD.match(s, start, end)
    head = name_at(s, lead.end() if lead else start, end)
    heads: list[Span] = []
    if head and is_valid_name(span_name(s, head)) \
            and (is_strong_name(span_name(s, head)) or not strict):
        behalf = _ON_BEHALF.match(s, head[1], end)  # "Jane Roe, director of Acme Ltd."
        other = name_at(s, behalf.end(), end) if behalf else None
        heads.append(other if other and is_valid_name(span_name(s, other)) else head)
        if not many:
            return heads
    for sep in (_LIST_SEPARATOR if commas else _SEPARATOR).finditer(s, start, end):
        span = name_at(s, sep.end(), end)
        if not span or span[0] != sep.end() or (heads and span[0] <= heads[-1][1]):
            continue
        name = span_name(s, span)
        if is_valid_name(name) and (is_strong_name(name) or not (strict or many)) \
                and (many or not re.search(r"\band\b", s[span[1] : end])):
            heads.append(span)
            if not many:
                return heads
    if heads or many:
        return heads
    back = _name_before(s, start, end)
    return [back] if back else []


def _name_before(s: str, start: int, end: int) -> Span | None:
    """The name written just before a defined term ("to retain Jane Roe ("Consultant")").

    A short description in between is skipped ("Kiromic, Inc, a Delaware corporation");
    names inside an address or after "a subsidiary of" are not parties.
    """
    text = s[start:end].rstrip(" \n,")
    tail = _DESCRIPTION_TAIL.search(text)
    text = text[: tail.start()] if tail else text
    stop = start + len(text)
    for m in re.finditer(r"\S+", text):
        before = text[: m.start()].split()
        if before and before[-1][-1] not in ':;,)"' and is_name_word(before[-1], "x"):
            continue  # not the first word of a name
        span = name_at(s, start + m.start(), stop)
        if not span or span[1] != stop or not is_valid_name(span_name(s, span)):
            continue
        preceding = text[max(0, m.start() - 80) : m.start()].rstrip()
        in_address = preceding.endswith(",") and _ADDRESS.search(preceding)
        if not (in_address or _NOT_A_PARTY_OF.search(preceding)):
            return span
    return None


# --- labelled lines, cover pages, signature blocks ----------------------------------------


def _label_parties(window: str) -> list[_Found]:
    """'Party A: X' or 'Licensee: Y' lines near the start."""
    roles = role_words()
    found = []
    for m in _LABEL_LINE.finditer(window, 0, LEAD_WINDOW):
        label, paren = m["label"], m["paren"] or ""
        is_party = label.startswith("Party ")
        span = name_at(window, m.start("rest"), m.end("rest"))
        if (is_party or word_key(label) in roles) and span \
                and is_valid_name(span_name(window, span)):
            aliases = [label] if is_party else []
            aliases += [paren] if word_key(paren) in roles else []
            aliases += [] if is_party else [label]
            found.append(_Found(span[0], span[1], span_name(window, span), aliases))
    return found


def _cover_parties(window: str) -> list[_Found]:
    """Names on their own lines around an 'and' line ("X, / Y / and / Z") on the first pages."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", window[:LEAD_WINDOW])]
    for i, (_, line) in enumerate(lines):
        if not (_AND_LINE.match(line) and 0 < i < len(lines) - 1):
            continue
        group = [lines[i - 1], lines[i + 1]]
        j = i - 2
        while j >= 0 and lines[j][1].rstrip().endswith(","):
            group.insert(0, lines[j])
            j -= 1
        spans = [_whole_line_name(window, offset, text) for offset, text in group]
        if all(spans):
            return [_Found(sp[0], sp[1], span_name(window, sp)) for sp in spans if sp]
    return []


def _whole_line_name(s: str, offset: int, line: str) -> Span | None:
    """A strong name that fills its line (a trailing comma or ', as Agent' may follow)."""
    span = name_at(s, offset + len(line) - len(line.lstrip()), offset + len(line))
    if span and re.fullmatch(r"[\s.,]*(?:,?\s*as\s+[\w ]+)?", s[span[1] : offset + len(line)]):
        name = span_name(s, span)
        return span if is_valid_name(name) and is_strong_name(name) else None
    return None


def _signature_parties(s: str) -> list[_Found]:
    """Names written just above a 'By:' line after IN WITNESS WHEREOF (or on the last pages)."""
    witness = list(_WITNESS.finditer(s, max(0, len(s) - 4 * SIGNATURE_WINDOW)))
    start = witness[-1].start() if witness else max(0, len(s) - SIGNATURE_WINDOW)
    found: list[_Found] = []
    for by in _BY_LINE.finditer(s, start, min(len(s), start + SIGNATURE_WINDOW)):
        line_end = by.start()
        for _ in range(3):  # the name may sit above a blank, "/s/" or underscore line
            line_start = s.rfind("\n", start, max(start, line_end - 1)) + 1
            line = s[line_start:line_end].strip()
            if line and not re.fullmatch(r"[\s_/s-]*|.*/s/.*|\[.*\]", line):
                span = _last_name_in_line(s, line_start, line_end)
                name = span_name(s, span)
                if span and not any(_same_entity(f.name, name) for f in found):
                    found.append(_Found(span[0], span[1], name))
                break
            line_end = line_start
            if line_end <= start:
                break
    return found


def _last_name_in_line(s: str, start: int, end: int) -> Span | None:
    """The strong name that ends a line ("Date: April 7, 2020 ACME CORP" -> "ACME CORP")."""
    for word in re.finditer(r"\S+", s[start:end]):
        span = name_at(s, start + word.start(), end)
        name = span_name(s, span)
        if span and not s[span[1] : end].strip().strip(",:.") and is_strong_name(name) \
                and is_valid_name(name):
            return span
    return None


# --- merging -----------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _words(name: str) -> str:
    """Name words for matching: lower case, no punctuation, no corporate suffixes or 'the'."""
    cleaned = re.sub(r"[^\w\s]", "", re.sub(r"[-/]", " ", name.lower().replace("&", " and ")))
    return " ".join(w for w in cleaned.split() if w != "the" and not is_corporate_suffix(w))


def _same_entity(a: str, b: str) -> bool:
    """Two spellings of one entity: same words, or one's words run inside the other's."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and (wa == wb or f" {wa} " in f" {wb} " or f" {wb} " in f" {wa} ")


def _merge(found: list[_Found], extra: list[_Found], add: bool) -> list[_Found]:
    """Fold `extra` into `found`: known entities gain aliases; new ones are added if `add`."""
    merged = list(found)
    for candidate in extra:
        same = next((f for f in merged if _same_entity(f.name, candidate.name)), None)
        if same is not None:
            same.aliases.extend(a for a in candidate.aliases if a not in same.aliases)
        elif add:
            merged.append(candidate)
    return merged
