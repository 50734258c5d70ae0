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

A name is read token by token: capitalised words, connectors between them ("Bank of
America"), suffixes after a comma ("Acme, Inc."), short bracketed parts ("Oaktree Capital
Management (International) Limited"). Descriptions ("a Delaware corporation"), addresses,
dates, people's titles and generic words ("the Parties") end or reject a name. The word
lists are data (`patterns/parties.json`). Only the first `PREAMBLE_WINDOW` characters (a
table of contents can push the preamble past page 1) and the signature pages are read:
about a millisecond per contract.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from extractors.document import ContractText
from schemas import Party

PATTERNS_FILE = Path(__file__).with_name("patterns") / "parties.json"
PREAMBLE_WINDOW = 25_000
LIST_WINDOW = 3_000
LEAD_WINDOW = 5_000
LEAD_CONTEXT = 600
SIGNATURE_WINDOW = 6_000
MAX_NAME_WORDS = 14
MAX_ANCHORS = 12

# Some PDF text layers write ";" as U+037E (Greek question mark) and a line-break hyphen
# as U+FFFE. The patterns accept them as they are, so offsets stay those of the text.
_SEMI = ";\u037e"
_TOKEN = re.compile(rf'[(),{_SEMI}:"]|[^\s(),{_SEMI}:"]+')
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
_SEPARATOR = re.compile(rf"(?:,?\s+and\b|[{_SEMI}]|\b(?:AND|And)\b:?|\n\s*\(?\d{{1,2}}\)"
                        rf"|\n\s*{_LABEL})[\s,:]*{_BARE_TERM}")
_LIST_SEPARATOR = re.compile(rf"{_SEPARATOR.pattern}|,\s*")
_LEAD = re.compile(
    rf"[\s,{_SEMI}:)]*(?:(?:and|AND|And|&)\b[\s,:]*)?(?:on\s+the\s+(?:one|other)\s+hand,?\s*"
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
_INITIALS = re.compile(r"(?:[A-Z]|[A-Za-z]+\.[A-Za-z.]*)\.$")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _vocabulary(kind: str) -> frozenset[str]:
    """One word list of `patterns/parties.json`, in `_key` form, loaded once per process."""
    return frozenset(_key(word) for word in _patterns()[kind])


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    """Role words as the vocabulary spells them ("Service Provider"), by `_key` form."""
    return {_key(word): word for word in _patterns()["role_words"]}


@lru_cache(maxsize=8192)
def _key(word: str) -> str:
    """Comparison form of a word or phrase: lower case, no trailing full stop or comma."""
    return " ".join(word.lower().split()).rstrip(".,")


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
    roles = _roles()
    role_alias = next((a for a in found.aliases if _key(a) in roles), None)
    return Party(
        name=found.name,
        role=roles[_key(role_alias)] if role_alias else None,
        aliases=[a for a in found.aliases if a != role_alias],
        evidence=text.evidence(found.start, found.end),
    )


def _split_pair(s: str, only: _Found) -> list[_Found]:
    """'between Acme and Beta Corp.' read as one name: a contract has two sides, so split it."""
    joint = re.search(r"\s(?:and|AND|&)\s", s[only.start : only.end])
    if joint is None:
        return [only]
    cut, resume = only.start + joint.start(), only.start + joint.end()
    halves = [_Found(only.start, cut, _clean(s[only.start : cut]), only.aliases),
              _Found(resume, only.end, _clean(s[resume : only.end]))]
    return halves if all(_valid_name(h.name) for h in halves) else [only]


# --- reading one name ------------------------------------------------------------------


def _is_suffix(token: str) -> bool:
    return _key(token) in _vocabulary("corporate_suffixes")


def _is_name_word(token: str, previous: str) -> bool:
    """Capitalised, camel-cased ("eFashion", "i3"), a suffix, or a number inside a name."""
    if not token or _key(token) in _vocabulary("stop_words"):
        return False
    if token in {"&", "+", "-"}:
        return bool(previous)
    first = token[0]
    if _is_suffix(token):
        return bool(previous) or first.isupper()
    if first.isdigit():
        return bool(previous) and _key(previous) != "of"
    return first.isupper() or bool(re.match(r"[a-z]{1,2}[A-Z0-9]", token))


def _bracket_in_name(tokens: list[tuple[int, int, str]], i: int) -> int:
    """Index of the ")" closing a bracketed part of a name at `i` ("(Bermuda) Ltd."), else 0."""
    close = next((j for j in range(i + 1, min(i + 6, len(tokens))) if tokens[j][2] == ")"), 0)
    inner = [t[2] for t in tokens[i + 1 : close]]
    follow = tokens[close + 1][2] if close and close + 1 < len(tokens) else ""
    if inner and all(w[0].isupper() for w in inner) and follow not in {"A", "An"} \
            and (follow == "(" or _is_name_word(follow, "x")):
        return close
    return 0


def _name_at(s: str, pos: int, end: int) -> tuple[int, int] | None:
    """The span of the name starting at `pos` (before `end`), or None if none starts there."""
    connectors = _vocabulary("connectors")
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(s, pos, min(end, pos + 300))]
    first = last = -1
    previous = ""
    i = 0
    while i < len(tokens):
        a, b, tok = tokens[i]
        nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        gap_before = s[tokens[i - 1][1] : a] if i else ""
        if first < 0 and not _is_name_word(tok, ""):
            return None
        if tok == ",":  # "Acme, Inc." and "Acme, Inc., d/b/a Beta" go on; "Acme, a ..." ends
            after = tokens[i + 2][2].lower() if i + 2 < len(tokens) else ""
            if _key(nxt) in {"dba", "d/b/a"}:
                i += 2
                continue
            if not _is_suffix(nxt) or (_key(nxt) in {"incorporated", "limited"}
                                       and after in {"under", "in", "pursuant", "and"}):
                break
        elif tok == "(":
            close = _bracket_in_name(tokens, i)
            if not close:
                break
            last, i = tokens[close][1], close + 1
            continue
        elif tok in {")", ":", '"'} or tok in _SEMI:
            break
        elif _key(tok) in connectors and first >= 0:
            own_line = "\n" in gap_before and (not nxt or "\n" in s[b : tokens[i + 1][0]])
            after_suffix = _is_suffix(previous) and _key(tok) == "and"
            if after_suffix or own_line or not _is_name_word(nxt, tok):
                break
        elif _is_name_word(tok, previous):
            if _is_suffix(previous) and not _is_suffix(tok) and "\n" in gap_before:
                break
            first = a if first < 0 else first
            last = b
        else:
            break
        previous = tok
        i += 1
    if first < 0 or (i < len(tokens) and _key(tokens[i][2]) in _vocabulary("title_words")):
        return None
    last = _drop_registration_number(s, first, last)
    final = s[first:last].split()[-1]
    if final.endswith(".") and not (_INITIALS.match(final)
                                    or _key(final) in _vocabulary("short_suffixes")):
        last -= 1
    return first, last


def _drop_registration_number(s: str, first: int, last: int) -> int:
    """'Acme Pty Ltd ACN 123 456 789' ends at its suffix: numbers after one are registrations."""
    words = list(re.finditer(r"\S+", s[first:last]))
    at = max((i for i, w in enumerate(words[1:], 1) if _is_suffix(w.group())), default=0)
    after = " ".join(w.group() for w in words[at + 1 :])
    if at and re.search(r"\d", after) and not re.search(r"\b\d{5}\b", after):
        return first + words[at].end()
    return last


def _clean(name: str) -> str:
    """Collapse line breaks and runs of spaces; drop trailing punctuation."""
    return " ".join(name.replace("\ufffe", "-").split()).rstrip(",;: \u037e")


def _span_name(s: str, span: tuple[int, int] | None) -> str:
    return _clean(s[span[0] : span[1]]) if span else ""


def _valid_name(name: str) -> bool:
    """Reject generic words, role words alone, dates, addresses, sentences and people's titles."""
    words = name.split()
    keys = [_key(w) for w in words]
    bare = _key(name).removeprefix("the ")
    if not words or len(words) > MAX_NAME_WORDS or not re.search(r"[A-Za-z]{2}", name) \
            or re.search(r"\b\d{5}\b", name) or re.match(r"part(y|ies)\b", bare):
        return False
    if bare in _vocabulary("never_names") or keys[0] in _vocabulary("bad_first_words"):
        return False
    content = [k for k in keys if k not in _vocabulary("connectors")]
    if all(k in _roles() for k in content) \
            or (len(content) == 1 and content[0] in _vocabulary("corporate_suffixes")):
        return False
    if any(k in _vocabulary("function_words") for k in keys[1:]):
        return False
    suffix_at = next((i for i, w in enumerate(words[1:], 1) if _is_suffix(w)), 0)
    if suffix_at:  # "ACME LIMITED WARRANTY AND ..." is capitalised prose, not a name
        trailing = [w for w in words[suffix_at:] if not _is_suffix(w)]
        return len(trailing) < 2 or name.upper() != name
    if words[0][0].isdigit() or re.search(r"\d{3,}", name) or bare in _roles():
        return False
    if any(k in _vocabulary("address_words") for k in keys):
        return False
    return not any(f" {t} " in f" {bare} " for t in _vocabulary("person_titles"))


def _strong(name: str) -> bool:
    """A capitalised corporate suffix, or an all-capitals name of two to five words."""
    words = name.split()
    if any(_is_suffix(w) and w[0].isupper() for w in words[1:]):
        return True
    return 2 <= len(words) <= 5 and name.upper() == name and not re.search(r"\d", name)


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
            if words and not (_SENTENCE_ABBREVIATION.search(words[-1]) or _is_suffix(words[-1])):
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
            _is_name_word(follow[0], "x") and follow[0] not in {"A", "An"}))
        if not (continues or re.fullmatch(r"[IVX]+|[A-Z]", m.group(1))):
            raw.append((m.start(), m.end(), [m.group(1)]))
    markers = []
    for a, b, names in sorted(raw):
        keep = [_clean(n) for n in names
                if _key(n) not in _vocabulary("alias_never") and not _GENERIC_ALIAS.search(n)]
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
            name = _span_name(s, span)
            target = next((f for f in found if _key(f.name) == _key(name)), None)
            if target is None:
                target = _Found(span[0], span[1], name)
                found.append(target)
        if target is not None:
            target.aliases.extend(x for x in aliases if x not in target.aliases)
    return found


def _segment_names(s: str, start: int, end: int, strict: bool, many: bool, commas: bool
                   ) -> list[tuple[int, int]]:
    """The party name(s) in `s[start:end]`, the stretch of text before a defined term.

    `strict` accepts only strong names (suffix or all capitals) when reading forwards;
    `many` reads every strong name in the stretch (a list closed by "each a 'Party'"),
    separated by "and" or ";" (and by commas if `commas`).
    """
    lead = _LEAD.match(s, start, end)
    head = _name_at(s, lead.end() if lead else start, end)
    heads: list[tuple[int, int]] = []
    if head and _valid_name(_span_name(s, head)) and (_strong(_span_name(s, head)) or not strict):
        behalf = _ON_BEHALF.match(s, head[1], end)  # "Jane Roe, director of Acme Ltd."
        other = _name_at(s, behalf.end(), end) if behalf else None
        heads.append(other if other and _valid_name(_span_name(s, other)) else head)
        if not many:
            return heads
    for sep in (_LIST_SEPARATOR if commas else _SEPARATOR).finditer(s, start, end):
        span = _name_at(s, sep.end(), end)
        if not span or span[0] != sep.end() or (heads and span[0] <= heads[-1][1]):
            continue
        name = _span_name(s, span)
        if _valid_name(name) and (_strong(name) or not (strict or many)) \
                and (many or not re.search(r"\band\b", s[span[1] : end])):
            heads.append(span)
            if not many:
                return heads
    if heads or many:
        return heads
    back = _name_before(s, start, end)
    return [back] if back else []


def _name_before(s: str, start: int, end: int) -> tuple[int, int] | None:
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
        if before and before[-1][-1] not in ':;,)"' and _is_name_word(before[-1], "x"):
            continue  # not the first word of a name
        span = _name_at(s, start + m.start(), stop)
        if not span or span[1] != stop or not _valid_name(_span_name(s, span)):
            continue
        preceding = text[max(0, m.start() - 80) : m.start()].rstrip()
        in_address = preceding.endswith(",") and _ADDRESS.search(preceding)
        if not (in_address or _NOT_A_PARTY_OF.search(preceding)):
            return span
    return None


# --- labelled lines, cover pages, signature blocks ----------------------------------------


def _label_parties(window: str) -> list[_Found]:
    """'Party A: X' or 'Licensee: Y' lines near the start."""
    roles = _roles()
    found = []
    for m in _LABEL_LINE.finditer(window, 0, LEAD_WINDOW):
        label, paren = m["label"], m["paren"] or ""
        is_party = label.startswith("Party ")
        span = _name_at(window, m.start("rest"), m.end("rest"))
        if (is_party or _key(label) in roles) and span and _valid_name(_span_name(window, span)):
            aliases = [label] if is_party else []
            aliases += [paren] if _key(paren) in roles else []
            aliases += [] if is_party else [label]
            found.append(_Found(span[0], span[1], _span_name(window, span), aliases))
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
            return [_Found(sp[0], sp[1], _span_name(window, sp)) for sp in spans if sp]
    return []


def _whole_line_name(s: str, offset: int, line: str) -> tuple[int, int] | None:
    """A strong name that fills its line (a trailing comma or ', as Agent' may follow)."""
    span = _name_at(s, offset + len(line) - len(line.lstrip()), offset + len(line))
    if span and re.fullmatch(r"[\s.,]*(?:,?\s*as\s+[\w ]+)?", s[span[1] : offset + len(line)]):
        name = _span_name(s, span)
        return span if _valid_name(name) and _strong(name) else None
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
                name = _span_name(s, span)
                if span and not any(_same_entity(f.name, name) for f in found):
                    found.append(_Found(span[0], span[1], name))
                break
            line_end = line_start
            if line_end <= start:
                break
    return found


def _last_name_in_line(s: str, start: int, end: int) -> tuple[int, int] | None:
    """The strong name that ends a line ("Date: April 7, 2020 ACME CORP" -> "ACME CORP")."""
    for word in re.finditer(r"\S+", s[start:end]):
        span = _name_at(s, start + word.start(), end)
        name = _span_name(s, span)
        if span and not s[span[1] : end].strip().strip(",:.") and _strong(name) \
                and _valid_name(name):
            return span
    return None


# --- merging -----------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _words(name: str) -> str:
    """Name words for matching: lower case, no punctuation, no corporate suffixes or 'the'."""
    cleaned = re.sub(r"[^\w\s]", "", re.sub(r"[-/]", " ", name.lower().replace("&", " and ")))
    return " ".join(w for w in cleaned.split() if w != "the" and not _is_suffix(w))


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
