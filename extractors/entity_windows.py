"""The entity SpanRuler, matching only the stretches of a document where a match can lie.

spaCy's `Matcher` steps through every token of a contract for every pattern: about a fifth
of extraction time, though DATE, DURATION, PERCENT and MONEY mentions cover a few percent
of the tokens. Every token of a match satisfies its pattern's spec for that position, so
a token that satisfies no condition of any spec of any pattern ("the", "Agreement": most
words) cannot be inside a match, and every match lies within one run of the other tokens.
`WindowedSpanRuler` finds those runs with array operations over the token attributes,
keeps the runs that could hold a whole match (as long as some pattern's required tokens,
with a token that can start it), and runs the same `Matcher` over just those spans. The
matches, hence the entities, are the ones the whole-document matcher finds: the runs are
cut only at tokens no match can contain. (`tests/extractors/test_entity_windows.py`
compares both on real contracts.)

Token specs are read from the patterns: `LOWER`, `TEXT`/`ORTH` (values, `IN` lists,
`REGEX`), `SHAPE`, `LIKE_NUM` and `IS_SPACE`. A pattern using anything else makes the
ruler match whole documents again, so a new kind of pattern can never be missed.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.attrs import IS_SPACE, LIKE_NUM, LOWER, ORTH, SHAPE
from spacy.language import Language
from spacy.pipeline.span_ruler import SpanRuler
from spacy.tokens import Doc, Span

_COLUMNS = {"ORTH": 0, "LOWER": 1, "SHAPE": 2}
_ARRAY_ATTRS = [ORTH, LOWER, SHAPE, LIKE_NUM, IS_SPACE]
_OPTIONAL = {"?", "*"}
MERGE_GAP = 4
"""Runs closer than this many tokens are matched as one span (fewer calls; a token no
match can contain may sit inside a span: no match can cross it either)."""


class _Unsupported(Exception):
    """A token spec this module cannot bound: match the whole document instead."""


@dataclass
class _Spec:
    """One token spec as the values any of which may let a token satisfy it."""

    values: dict[str, set[str]] = field(default_factory=dict)  # ORTH / LOWER / SHAPE
    regexes: list[re.Pattern[str]] = field(default_factory=list)  # on the token text
    like_num: bool = False
    is_space: bool = False


def _spec(token: dict[str, Any]) -> _Spec:
    spec = _Spec()
    for key, value in token.items():
        name = key.upper()
        if name == "OP":
            if value not in _OPTIONAL | {"+"}:
                raise _Unsupported(f"operator {value!r}")
            continue
        if name in ("LIKE_NUM", "IS_SPACE") and value is True:
            setattr(spec, name.lower(), True)
            continue
        if name == "TEXT":
            name = "ORTH"
        if name not in _COLUMNS:
            raise _Unsupported(f"attribute {key!r}")
        if isinstance(value, str):
            spec.values.setdefault(name, set()).add(value)
        elif isinstance(value, dict) and set(value) == {"IN"}:
            spec.values.setdefault(name, set()).update(value["IN"])
        elif isinstance(value, dict) and set(value) == {"REGEX"} and name == "ORTH":
            spec.regexes.append(re.compile(value["REGEX"]))
        else:
            raise _Unsupported(f"condition {key}={value!r}")
    return spec


ANY_SPEC = 63
"""Bit set for a token meeting some condition of some spec; bit k (k < 63) for a token
meeting some condition of pattern k's first required spec."""


@dataclass
class WindowPlan:
    """What a run of tokens must look like to be worth matching, read from the patterns.

    Each condition of each spec becomes bits on the values it accepts, so one lookup per
    token attribute gives every token its bits for all patterns at once.
    """

    specs: list[tuple[int | None, _Spec]]  # (pattern it is the first required spec of, spec)
    required: list[int]  # per pattern: how many tokens it needs at least
    _tables: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # sorted hashes, bits
    _regex_bits: dict[int, int] = field(default_factory=dict)  # ORTH hash -> bits
    _regex_list: list[tuple[int, re.Pattern[str]]] | None = None  # (bits, regex)

    @classmethod
    def from_patterns(cls, patterns: Iterable[dict[str, Any]]) -> WindowPlan | None:
        """The plan, or None when some pattern cannot be bounded."""
        specs: list[tuple[int | None, _Spec]] = []
        required: list[int] = []
        try:
            for k, entry in enumerate(patterns):
                tokens = entry["pattern"]
                if not isinstance(tokens, list) or not tokens or k >= ANY_SPEC:
                    return None
                needed = [i for i, t in enumerate(tokens) if t.get("OP") not in _OPTIONAL]
                if not needed:
                    return None
                specs += [(k if i == needed[0] else None, _spec(t)) for i, t in enumerate(tokens)]
                required.append(len(needed))
        except _Unsupported:
            return None
        return cls(specs, required)

    @staticmethod
    def _bits(first_of: int | None) -> int:
        return (1 << ANY_SPEC) | (1 << first_of if first_of is not None else 0)

    def _lookup_tables(self, doc: Doc) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        if self._tables is None:
            bits: dict[str, dict[int, int]] = {name: {} for name in _COLUMNS}
            for first_of, spec in self.specs:
                for name, values in spec.values.items():
                    for value in values:
                        key = doc.vocab.strings.add(value)
                        bits[name][key] = bits[name].get(key, 0) | self._bits(first_of)
            self._tables = {
                name: (np.array(sorted(found), dtype=np.uint64),
                       np.array([found[k] for k in sorted(found)], dtype=np.uint64))
                for name, found in bits.items()
            }
        return self._tables

    def _token_bits(self, doc: Doc) -> np.ndarray:
        table = doc.to_array(_ARRAY_ATTRS)
        bits = np.zeros(len(doc), dtype=np.uint64)
        zero = np.uint64(0)
        for name, (keys, values) in self._lookup_tables(doc).items():
            if len(keys) == 0:
                continue
            column = table[:, _COLUMNS[name]]
            at = np.minimum(np.searchsorted(keys, column), len(keys) - 1)
            bits |= np.where(keys[at] == column, values[at], zero)
        for first_of, spec in self.specs:
            flag = np.uint64(self._bits(first_of))
            if spec.like_num:
                bits |= np.where(table[:, 3] != 0, flag, zero)
            if spec.is_space:
                bits |= np.where(table[:, 4] != 0, flag, zero)
        if any(spec.regexes for _, spec in self.specs):
            unique, inverse = np.unique(table[:, 0], return_inverse=True)
            known = self._regex_bits
            by_text = np.array([known[h] if h in known else self._regex(doc, h)
                                for h in unique.tolist()], dtype=np.uint64)
            bits |= by_text[inverse.reshape(-1)]
        return bits

    def _regex(self, doc: Doc, orth: int) -> int:
        found = self._regex_bits.get(orth)
        if found is None:
            text = doc.vocab.strings[orth]
            found = 0
            if self._regex_list is None:
                self._regex_list = [(self._bits(first_of), regex)
                                    for first_of, spec in self.specs for regex in spec.regexes]
            for bits, regex in self._regex_list:
                if regex.search(text):
                    found |= bits
            if len(self._regex_bits) < 1_000_000:
                self._regex_bits[orth] = found
        return found

    def windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges [start, end) of `doc` that hold every match of the patterns."""
        if len(doc) == 0:
            return []
        bits = self._token_bits(doc)
        runs = _runs(bits != 0)
        if not runs:
            return []
        starts = np.array([start for start, _ in runs])
        lengths = np.array([end - start for start, end in runs])
        either = np.bitwise_or.reduceat(bits, starts)  # the tokens between runs add 0
        keep = np.zeros(len(runs), dtype=bool)
        for k, needed in enumerate(self.required):
            has_first = ((either >> np.uint64(k)) & np.uint64(1)).astype(bool)
            keep |= has_first & (lengths >= needed)
        return _merge([run for run, kept in zip(runs, keep.tolist(), strict=True) if kept])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal [start, end) ranges where `mask` is True."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _merge(runs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < MERGE_GAP:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class WindowedSpanRuler(SpanRuler):
    """`SpanRuler` whose token patterns are matched over `WindowPlan.windows` only."""

    _plan: WindowPlan | None = None
    _planned: bool = False

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        super().add_patterns(patterns)
        self._planned = False

    def remove(self, label: str) -> None:
        super().remove(label)
        self._planned = False

    def remove_by_id(self, pattern_id: str) -> None:
        super().remove_by_id(pattern_id)
        self._planned = False

    def clear(self) -> None:
        super().clear()
        self._planned = False

    def match(self, doc: Doc) -> list[Span]:
        """As `SpanRuler.match`: the deduplicated, sorted spans of every pattern match."""
        self._require_patterns()
        if not self._planned:
            token_patterns = [p for p in self.patterns if isinstance(p["pattern"], list)]
            phrases = len(token_patterns) != len(self.patterns)
            self._plan = None if phrases else WindowPlan.from_patterns(token_patterns)
            self._planned = True
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            if self._plan is None:
                matches = list(self.matcher(doc)) + list(self.phrase_matcher(doc))
            else:
                matches = [
                    (match_id, start + offset, end + offset)
                    for offset, stop in self._plan.windows(doc)
                    for match_id, start, end in self.matcher(doc[offset:stop])
                ]
        found = {
            Span(doc, start, end, label=self._match_label_id_map[m_id]["label"],
                 span_id=self._match_label_id_map[m_id]["id"])
            for m_id, start, end in matches
            if start != end
        }
        return sorted(found)


@Language.factory(
    "windowed_span_ruler",
    assigns=["doc.spans"],
    default_config={
        "spans_key": "ruler",
        "spans_filter": None,
        "annotate_ents": False,
        "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        "phrase_matcher_attr": None,
        "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
        "validate": False,
        "overwrite": True,
        "scorer": {"@scorers": "spacy.overlapping_labeled_spans_scorer.v1",
                   "spans_key": "ruler"},
    },
)
def make_windowed_span_ruler(
    nlp: Language,
    name: str,
    spans_key: str | None,
    spans_filter: Callable[[Iterable[Span], Iterable[Span]], Iterable[Span]] | None,
    annotate_ents: bool,
    ents_filter: Callable[[Iterable[Span], Iterable[Span]], Iterable[Span]],
    phrase_matcher_attr: int | str | None,
    matcher_fuzzy_compare: Callable[..., Any],
    validate: bool,
    overwrite: bool,
    scorer: Callable[..., Any] | None,
) -> WindowedSpanRuler:
    """The `span_ruler` factory's component, matching over windows (same options)."""
    return WindowedSpanRuler(
        nlp, name, spans_key=spans_key, spans_filter=spans_filter,
        annotate_ents=annotate_ents, ents_filter=ents_filter,
        phrase_matcher_attr=phrase_matcher_attr, matcher_fuzzy_compare=matcher_fuzzy_compare,
        validate=validate, overwrite=overwrite, scorer=scorer,
    )
