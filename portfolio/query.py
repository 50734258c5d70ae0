"""Turn what a contract admin types into the search box into a safe SQLite FTS5 expression.

The parse (`parse_query`, a small public syntax tree) is shared by every backend: the
Elasticsearch backend translates the same tree into query DSL, so both stores agree on
what a query means; only the emitters differ.

Raw FTS5 `MATCH` syntax is hostile to contract text: `99.9%`, `credit-cap`, `a:b` and a
stray `"` are syntax errors or, worse, column filters. This module parses the user's text
with a forgiving grammar and re-emits it with every term quoted, so FTS5 only ever sees
quoted strings, `AND`, `OR`, `NOT`, `*` and parentheses.

What the user may type:

* bare words: all must match (implicit AND): `service credit`
* `"quoted phrases"`: the words adjacent, in order
* `OR`, `AND`, `NOT` (upper case only, so "terminate or suspend" stays three words),
  and a leading `-` on a word, phrase or group as a shorter NOT: `credit -cap` (not on a
  number: `-5%` is a term)
* parentheses for grouping: `(credit OR rebate) availability`
* a trailing `*` for a prefix: `indemn*`, `"service cred"*`

Precedence, loosest first: OR, then AND (explicit or implicit), then NOT.

Repairs, never errors: an unclosed quote runs to the end of the text; unbalanced
parentheses are closed or ignored; dangling operators (`credit OR`, `AND cap`) are
dropped; terms with no letter or digit (`%`, `-`, `*`) are dropped; an all-exclusion group
inside OR (`credit OR NOT cap`) is dropped because FTS5 cannot express "everything but".
`QuerySyntaxError` is raised only when nothing searchable remains (`""`, `NOT cap`, `OR`).

Prefixes and stemming: the index uses the Porter stemmer, which stores "termination" as
"termin", so the FTS5 prefix `terminat*` alone would find nothing. The caller may pass an
`expand_prefix` function (the SQLite backend looks words up in an unstemmed vocabulary) and
each prefix term becomes `("terminat"* OR "terminate" OR "termination")`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from portfolio.errors import QuerySyntaxError

MAX_QUERY_CHARS = 2000
"""Longer input is cut here: no contract admin types more, and it bounds the work."""

MAX_DEPTH = 16
"""Parentheses nested deeper than this are ignored (keeps the parser's recursion bounded)."""

OPERATORS = frozenset({"AND", "OR", "NOT"})

PrefixExpander = Callable[[str], Sequence[str]]
"""Given a folded prefix ("terminat"), the indexed whole words that start with it."""


class FtsQuery(BaseModel):
    """A translated query: the FTS5 `MATCH` expression, plus an optional phrase to rank first.

    `phrase` is set when the user typed two or more bare words (`service credit`): clauses
    holding them as an exact phrase rank above clauses where they are far apart, which
    BM25 alone does not do.
    """

    model_config = ConfigDict(frozen=True)

    match: str
    phrase: str | None = None


# --- syntax tree ---------------------------------------------------------------------
# Public so that every backend translates the same parse (`parse_query`): SQLite emits FTS5,
# Elasticsearch emits query DSL, and the two cannot drift apart on what the user meant.


@dataclass(frozen=True)
class Term:
    """A word or "quoted phrase" as typed (several tokens mean a phrase); `prefix`: ends in *."""

    text: str
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class And:
    """Every part must match (explicit AND, or words side by side)."""

    parts: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Or:
    """At least one part must match."""

    parts: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Not:
    """`keep` must match and none of `drop` may (there is never a bare exclusion)."""

    keep: QueryNode
    drop: tuple[QueryNode, ...]


QueryNode = Term | And | Or | Not


# --- lexer -----------------------------------------------------------------------------

_LP, _RP, _NEG = "(", ")", "-"
_Token = str | Term  # "(", ")", "-", "AND", "OR", "NOT", or a term


def _lex(text: str) -> list[_Token]:
    """Split the user's text into tokens, closing an unclosed quote at the end."""
    tokens: list[_Token] = []
    depth_kept: list[bool] = []  # per open parenthesis: was it kept (not too deep)?
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            keep = len(depth_kept) < MAX_DEPTH
            depth_kept.append(keep)
            if keep:
                tokens.append(_LP)
            i += 1
        elif ch == ")":
            if not depth_kept or depth_kept.pop():
                tokens.append(_RP)
            i += 1
        elif ch == '"':
            close = text.find('"', i + 1)
            end = n if close == -1 else close
            body, i = text[i + 1 : end], end + 1
            star = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            tokens.append(Term(body, prefix=star, quoted=True))
        elif ch == "-" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] in '"('):
            tokens.append(_NEG)
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            word = text[start:i]
            if word in OPERATORS:
                tokens.append(word)
            else:
                stripped = word.rstrip("*")
                tokens.append(Term(stripped, prefix=stripped != word))
    return tokens


# --- parser ----------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens; every rule returns None when nothing is left."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token | None:
        token = self.peek()
        self.pos += 1
        return token

    def parse(self) -> QueryNode | None:
        groups: list[QueryNode] = []
        while self.peek() is not None:
            node = self.parse_or()
            if node is not None:
                groups.append(node)
            if self.peek() is not None:  # a stray ")" or a leftover operator
                self.take()
        return _join(And, groups)

    def parse_or(self) -> QueryNode | None:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and())
        return _join(Or, [p for p in parts if p is not None])

    def parse_and(self) -> QueryNode | None:
        keep: list[QueryNode] = []
        drop: list[QueryNode] = []
        while (token := self.peek()) is not None and token not in ("OR", _RP):
            if token == "AND":
                self.take()
            elif token in ("NOT", _NEG):
                self.take()
                node = self.parse_primary()
                if node is not None:
                    drop.append(node)
            else:
                node = self.parse_primary()
                if node is not None:
                    keep.append(node)
        base = _join(And, keep)
        if base is None:
            return None  # only exclusions: FTS5 has no "everything but"
        return Not(base, tuple(drop)) if drop else base

    def parse_primary(self) -> QueryNode | None:
        token = self.peek()
        if isinstance(token, Term):
            self.take()
            return token if _searchable(token.text) else None
        if token == _LP:
            self.take()
            node = self.parse_or()
            if self.peek() == _RP:
                self.take()
            return node
        return None  # an operator or ")" where a term was expected: leave it to the caller


def _join(kind: type[And] | type[Or], parts: list[QueryNode]) -> QueryNode | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(tuple(parts))


def _searchable(text: str) -> bool:
    """True when the tokenizer will find at least one token (a letter or digit)."""
    return any(ch.isalnum() for ch in text)


# --- emitter ---------------------------------------------------------------------------


def fold(word: str) -> str:
    """Lower-case and strip diacritics, as the `unicode61` tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    """The tokens `unicode61` would see: runs of letters and digits."""
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _emit(node: QueryNode, expand: PrefixExpander | None) -> str:
    match node:
        case Term(text=text, prefix=False):
            return _quote(text)
        case Term(text=text, prefix=True):
            variants = [_quote(text) + "*"]
            if expand is not None:
                words = words_of(text)
                head = " ".join(words[:-1])
                for word in expand(fold(words[-1])):
                    variants.append(_quote(f"{head} {word}" if head else word))
            return variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")"
        case And(parts=parts):
            return " AND ".join(_wrap(p, expand) for p in parts)
        case Or(parts=parts):
            return " OR ".join(_wrap(p, expand) for p in parts)
        case Not(keep=keep, drop=drop):
            return _wrap(keep, expand) + "".join(f" NOT {_wrap(d, expand)}" for d in drop)
    raise TypeError(f"not a query node: {node!r}")


def _wrap(node: QueryNode, expand: PrefixExpander | None) -> str:
    text = _emit(node, expand)
    return text if isinstance(node, Term) else f"({text})"


def bare_phrase(node: QueryNode) -> str | None:
    """`a b` when the query is two or more bare words (possibly with exclusions), else None.

    Those words as an exact phrase rank first in every backend: BM25 ignores proximity.
    """
    if isinstance(node, Not):
        node = node.keep
    if not isinstance(node, And):
        return None
    if not all(isinstance(p, Term) and not p.prefix and not p.quoted for p in node.parts):
        return None
    return " ".join(p.text for p in node.parts if isinstance(p, Term))


# --- public API ------------------------------------------------------------------------


def parse_query(text: str) -> QueryNode:
    """The syntax tree of the user's search text; raises `QuerySyntaxError` if nothing is left.

    Pure and forgiving (see the module docstring): every backend starts from this tree.
    """
    root = _Parser(_lex(text[:MAX_QUERY_CHARS])).parse()
    if root is None:
        if not text.strip():
            raise QuerySyntaxError(text, 'the search is empty: type a word or a "phrase"')
        raise QuerySyntaxError(
            text,
            f"nothing to search for in {text!r}: type at least one word or number "
            "(NOT and - only exclude, they cannot search on their own)",
        )
    return root


def translate_query(text: str, expand_prefix: PrefixExpander | None = None) -> FtsQuery:
    """The FTS5 expression for the user's search text; raises `QuerySyntaxError` if empty.

    Pure: the same text (and expander) always gives the same expression.
    """
    root = parse_query(text)
    phrase = bare_phrase(root)
    return FtsQuery(
        match=_emit(root, expand_prefix), phrase=_quote(phrase) if phrase is not None else None
    )


def to_fts5(text: str) -> str:
    """Shorthand for `translate_query(text).match` without prefix expansion."""
    return translate_query(text).match
