"""Undo Tesseract's habitual misreadings of contract typography, word by word.

The extractors match exact shapes: `("Effective Date")`, `the 1st day of March`,
`Severity 1`. Tesseract, on sans-serif contract type, reliably gets a few of those
wrong in ways that break the match without changing a reader's understanding:
* a closing double quote read as a single one (`"Supplier')`), or a doubled opening
  quote (`""Adatum"`);
* the digit one read as `|`, `I` or `l` (`Page | of 7`, `the Ist day`, `l0%`), and
  zero as `O` inside numbers (`2O24`);
* an en dash read as `--`;
* a stray `,` after a section number (`3.3,`), and `|`, `[`, `]` left by table rules;
* `Severity 1` read as the dictionary word `Seventy 1` (SLA tables);
* parentheses read as braces or a cent sign (`¢"Proseware" or "Vendor"}`), and a speck
  fused into punctuation (`Inc.,.a`);
* the opening quote of a one-word defined term lost (`("Humongous" or Client")`).

Each fix is local to a word (and, for quotes, whether a double quote is open), so the
word keeps its box and the page text its offsets. Every rule here comes from a
misreading seen on the scanned fixtures (see tests/extractors/test_ocr_corrections.py).
"""

from __future__ import annotations

import re

_ONE_LIKE = re.compile(r"^[|Il]$")
_ORDINAL_ONE = re.compile(r"^([(\[]?)[|Il](st)([).,;:]*)$")
_DIGITISH = re.compile(r"^([($€£]?)([0-9IlO|o.,%$]+)([).,;:%]*)$")
_SECTION_COMMA = re.compile(r"^(\d+(?:\.\d+)+),$")
_LEVEL = re.compile(r"^(?:[1-5]|I{1,3}|IV|V)[):.]?$")
_BRACES = str.maketrans("{}", "()")  # contracts do not use braces; Tesseract does
_FUSED_SPECK = re.compile(r",\.(?=[a-z])")
_TERM_INTRODUCERS = frozenset({"or", "and", "the", "a", "an", "as", ""})
_RULE_JUNK = re.compile(r"^[|\[\]{}_=~]+$")
_DASHES = re.compile(r"^-{2,3}$")
_TRAILING_QUOTE = re.compile(r"^(.*[^\W_])(['\"]{1,2})([).,;:]*)$")
_LEADING_QUOTE = re.compile(r"^([(\[]?)(['\"]{1,2})(\w.*)$")
_AS_DIGITS = str.maketrans("Il|Oo", "11100")
_STRIPPABLE_EDGE = "|"
_DEFINED_TERM_WORDS = 8
"""A quoted defined term closes within this many words ("Monthly Uptime Percentage")."""


def correct_words(words: list[str]) -> list[str]:
    """The words of one page, in reading order, corrected; "" marks a word to drop."""
    fixed = [_correct_word(word) for word in words]
    for index, word in enumerate(fixed[:-1]):
        if word == "Seventy" and _LEVEL.match(fixed[index + 1]):
            fixed[index] = "Severity"  # "Seventy 1" is no number a contract writes
    return _balance_quotes(fixed)


def _correct_word(word: str) -> str:
    if _RULE_JUNK.match(word):
        return "1" if word == "|" else ""
    word = word.translate(_BRACES)
    if word.startswith("¢") and len(word) > 1:
        word = "(" + word[1:]
    word = _FUSED_SPECK.sub(", ", word)
    word = word.strip(_STRIPPABLE_EDGE)
    word = _unbalanced_brackets(word)
    if _DASHES.match(word):
        return "-"
    if section := _SECTION_COMMA.match(word):
        return section.group(1)
    if _ONE_LIKE.match(word) and word != "I":
        return "1"
    if ordinal := _ORDINAL_ONE.match(word):
        return f"{ordinal.group(1)}1{ordinal.group(2)}{ordinal.group(3)}"
    return _digits(word)


def _unbalanced_brackets(word: str) -> str:
    """`[Pose` -> `Pose`, `60]` -> `60`: a rule's remnant, not a bracket."""
    if word.startswith("[") and "]" not in word:
        word = word[1:]
    if word.endswith("]") and "[" not in word:
        word = word[:-1]
    return word


def _digits(word: str) -> str:
    """`2O24` -> `2024`, `l0%` -> `10%`: letters that look like digits, inside numbers."""
    match = _DIGITISH.match(word)
    if not match:
        return word
    body = match.group(2)
    if not any(c.isdigit() for c in body) or body.isdigit():
        return word
    if sum(c in "IlO|o" for c in body) > sum(c.isdigit() for c in body):
        return word  # mostly letters: a word, not a misread number
    body = body.translate(_AS_DIGITS)
    return f"{match.group(1)}{body}{match.group(3)}"


def _balance_quotes(words: list[str]) -> list[str]:
    """Quotes that open with `"` close with `"`; doubled or mixed quote runs become one.

    Contracts define terms in double quotes. While one is open, a word ending in `'`
    closes it (`Supplier')` -> `Supplier")`); an opening `""`/`"'` is one `"`.
    """
    out: list[str] = []
    opened_at: int | None = None  # index of the word that opened a quote
    for index, word in enumerate(words):
        if opened_at is not None and index - opened_at > _DEFINED_TERM_WORDS:
            opened_at = None  # an unbalanced quote, not a defined term: stop guessing
        if (lead := _LEADING_QUOTE.match(word)) and '"' in lead.group(2):
            word = f'{lead.group(1)}"{lead.group(3)}'
        opens_here = bool(lead) and word.count('"') == 1
        trail = _TRAILING_QUOTE.match(word)
        if trail and (opened_at is not None or opens_here or '"' in trail.group(2)):
            word = f'{trail.group(1)}"{trail.group(3)}'
        if (opened_at is None and word.count('"') == 1 and not lead and trail
                and out and out[-1].lstrip("(").lower() in _TERM_INTRODUCERS):
            word = _reopen(word)  # `or Client")`: the opening quote was lost
        if word.count('"') % 2:
            opened_at = index if opened_at is None else None
        out.append(word)
    return out


def _reopen(word: str) -> str:
    """`Client").` -> `"Client").`, `(Client")` -> `("Client")`."""
    bracket = "(" if word.startswith("(") else ""
    return f'{bracket}"{word[len(bracket):]}'
