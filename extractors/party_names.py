"""Reading one party's name out of contract text, and judging whether it can be a party.

`extractors.parties` decides *where* the parties are named (the preamble, labelled
lines, a cover page, signature blocks); this module decides *what the name is* once a
position is known. The two jobs change for different reasons: finding the preamble
follows how contracts are laid out, reading a name follows how companies are named.

A name is read token by token: capitalised words, connectors between them ("Bank of
America"), suffixes after a comma ("Acme, Inc.", "Acme, Inc., d/b/a Beta"), short
bracketed parts ("Oaktree Capital Management (International) Limited"). Descriptions
("a Delaware corporation"), registration numbers ("Acme Pty Ltd ACN 123 456 789"),
addresses, dates, people's titles and generic words ("the Parties") end or reject a
name. The word lists are data (`patterns/parties.json`), compared in `word_key` form.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

PATTERNS_FILE = Path(__file__).with_name("patterns") / "parties.json"
MAX_NAME_WORDS = 14
NAME_LOOKAHEAD = 300

# Some PDF text layers write ";" as U+037E (Greek question mark) and a line-break hyphen
# as U+FFFE. The patterns accept them as they are, so offsets stay those of the text.
SEMICOLONS = ";\u037e"
_TOKEN = re.compile(rf'[(),{SEMICOLONS}:"]|[^\s(),{SEMICOLONS}:"]+')
_INITIALS = re.compile(r"(?:[A-Z]|[A-Za-z]+\.[A-Za-z.]*)\.$")

Span = tuple[int, int]
_Token = tuple[int, int, str]


# --- vocabulary --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def vocabulary(kind: str) -> frozenset[str]:
    """One word list of `patterns/parties.json`, in `word_key` form, loaded once per process."""
    return frozenset(word_key(word) for word in _patterns()[kind])


@lru_cache(maxsize=1)
def role_words() -> dict[str, str]:
    """Role words as the vocabulary spells them ("Service Provider"), by `word_key` form."""
    return {word_key(word): word for word in _patterns()["role_words"]}


@lru_cache(maxsize=8192)
def word_key(word: str) -> str:
    """Comparison form of a word or phrase: lower case, no trailing full stop or comma."""
    return " ".join(word.lower().split()).rstrip(".,")


def is_corporate_suffix(token: str) -> bool:
    """A legal-form word ("Inc.", "GmbH", "Limited"), in any case."""
    return word_key(token) in vocabulary("corporate_suffixes")


def is_name_word(token: str, previous: str) -> bool:
    """Capitalised, camel-cased ("eFashion", "i3"), a suffix, or a number inside a name.

    `previous` is the name word before `token`, or "" when `token` would start the name:
    "&" and numbers never start one, and a number never follows "of".
    """
    if not token or word_key(token) in vocabulary("stop_words"):
        return False
    if token in {"&", "+", "-"}:
        return bool(previous)
    first = token[0]
    if is_corporate_suffix(token):
        return bool(previous) or first.isupper()
    if first.isdigit():
        return bool(previous) and word_key(previous) != "of"
    return first.isupper() or bool(re.match(r"[a-z]{1,2}[A-Z0-9]", token))


# --- the extent of a name ----------------------------------------------------------------


def name_at(s: str, pos: int, end: int) -> Span | None:
    """The span of the name starting at `pos` (before `end`), or None if none starts there.

    None also when the capitalised run is followed by a kind of agreement ("Master
    Services Agreement"): that is a title, not a party. A registration number after the
    last suffix and a sentence's full stop are left out of the span.
    """
    tokens = [(m.start(), m.end(), m.group())
              for m in _TOKEN.finditer(s, pos, min(end, pos + NAME_LOOKAHEAD))]
    extent = _name_extent(s, tokens)
    if extent is None:
        return None
    first, last, stop = extent
    if first < 0 or (stop < len(tokens) and word_key(tokens[stop][2]) in vocabulary("title_words")):
        return None
    last = _drop_registration_number(s, first, last)
    return first, _drop_final_stop(s, first, last)


def _name_extent(s: str, tokens: list[_Token]) -> tuple[int, int, int] | None:
    """Read name tokens from the first: (start, end, index of the token that ended it).

    The start is -1 if no name word was read; None if the first token cannot start a name.
    """
    connectors = vocabulary("connectors")
    first = last = -1
    previous = ""
    i = 0
    while i < len(tokens):
        a, b, tok = tokens[i]
        nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        gap_before = s[tokens[i - 1][1] : a] if i else ""
        if first < 0 and not is_name_word(tok, ""):
            return None
        if tok == ",":  # "Acme, Inc." and "Acme, Inc., d/b/a Beta" go on; "Acme, a ..." ends
            if word_key(nxt) in {"dba", "d/b/a"}:
                i += 2
                continue
            if not _comma_continues(tokens, i):
                break
        elif tok == "(":
            close = _bracket_in_name(tokens, i)
            if not close:
                break
            last, i = tokens[close][1], close + 1
            continue
        elif tok in {")", ":", '"'} or tok in SEMICOLONS:
            break
        elif word_key(tok) in connectors and first >= 0:
            own_line = "\n" in gap_before and (not nxt or "\n" in s[b : tokens[i + 1][0]])
            after_suffix = is_corporate_suffix(previous) and word_key(tok) == "and"
            if after_suffix or own_line or not is_name_word(nxt, tok):
                break
        elif is_name_word(tok, previous):
            if is_corporate_suffix(previous) and not is_corporate_suffix(tok) \
                    and "\n" in gap_before:
                break
            first = a if first < 0 else first
            last = b
        else:
            break
        previous = tok
        i += 1
    return first, last, i


def _comma_continues(tokens: list[_Token], i: int) -> bool:
    """Whether the name goes on past the comma at `i`: only into a suffix ("Acme, Inc.").

    "Incorporated" or "Limited" followed by "under", "in", "pursuant" or "and" is the
    start of a description ("Acme, incorporated under the laws of ..."), not a suffix.
    """
    nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
    after = tokens[i + 2][2].lower() if i + 2 < len(tokens) else ""
    if not is_corporate_suffix(nxt):
        return False
    return not (word_key(nxt) in {"incorporated", "limited"}
                and after in {"under", "in", "pursuant", "and"})


def _bracket_in_name(tokens: list[_Token], i: int) -> int:
    """Index of the ")" closing a bracketed part of a name at `i` ("(Bermuda) Ltd."), else 0."""
    close = next((j for j in range(i + 1, min(i + 6, len(tokens))) if tokens[j][2] == ")"), 0)
    inner = [t[2] for t in tokens[i + 1 : close]]
    follow = tokens[close + 1][2] if close and close + 1 < len(tokens) else ""
    if inner and all(w[0].isupper() for w in inner) and follow not in {"A", "An"} \
            and (follow == "(" or is_name_word(follow, "x")):
        return close
    return 0


def _drop_registration_number(s: str, first: int, last: int) -> int:
    """'Acme Pty Ltd ACN 123 456 789' ends at its suffix: numbers after one are registrations."""
    words = list(re.finditer(r"\S+", s[first:last]))
    at = max((i for i, w in enumerate(words[1:], 1) if is_corporate_suffix(w.group())), default=0)
    after = " ".join(w.group() for w in words[at + 1 :])
    if at and re.search(r"\d", after) and not re.search(r"\b\d{5}\b", after):
        return first + words[at].end()
    return last


def _drop_final_stop(s: str, first: int, last: int) -> int:
    """A full stop ending the name is the sentence's, unless it closes "Inc." or "J.P."."""
    final = s[first:last].split()[-1]
    if final.endswith(".") and not (_INITIALS.match(final)
                                    or word_key(final) in vocabulary("short_suffixes")):
        return last - 1
    return last


def clean_name(name: str) -> str:
    """Collapse line breaks and runs of spaces; drop trailing punctuation."""
    return " ".join(name.replace("\ufffe", "-").split()).rstrip(",;: \u037e")


def span_name(s: str, span: Span | None) -> str:
    """The cleaned name at `span` of `s`, or "" for no span."""
    return clean_name(s[span[0] : span[1]]) if span else ""


# --- is it a party's name ----------------------------------------------------------------


def is_valid_name(name: str) -> bool:
    """Reject generic words, role words alone, dates, addresses, sentences and people's titles."""
    words = name.split()
    keys = [word_key(w) for w in words]
    bare = word_key(name).removeprefix("the ")
    if not words or len(words) > MAX_NAME_WORDS or not re.search(r"[A-Za-z]{2}", name) \
            or re.search(r"\b\d{5}\b", name) or re.match(r"part(y|ies)\b", bare):
        return False
    if bare in vocabulary("never_names") or keys[0] in vocabulary("bad_first_words"):
        return False
    content = [k for k in keys if k not in vocabulary("connectors")]
    if all(k in role_words() for k in content) \
            or (len(content) == 1 and content[0] in vocabulary("corporate_suffixes")):
        return False
    if any(k in vocabulary("function_words") for k in keys[1:]):
        return False
    suffix_at = next((i for i, w in enumerate(words[1:], 1) if is_corporate_suffix(w)), 0)
    if suffix_at:  # "ACME LIMITED WARRANTY AND ..." is capitalised prose, not a name
        trailing = [w for w in words[suffix_at:] if not is_corporate_suffix(w)]
        return len(trailing) < 2 or name.upper() != name
    if words[0][0].isdigit() or re.search(r"\d{3,}", name) or bare in role_words():
        return False
    if any(k in vocabulary("address_words") for k in keys):
        return False
    return not any(f" {t} " in f" {bare} " for t in vocabulary("person_titles"))


def is_strong_name(name: str) -> bool:
    """A capitalised corporate suffix, or an all-capitals name of two to five words.

    A strong name is a party's name even without a defined term next to it.
    """
    words = name.split()
    if any(is_corporate_suffix(w) and w[0].isupper() for w in words[1:]):
        return True
    return 2 <= len(words) <= 5 and name.upper() == name and not re.search(r"\d", name)
