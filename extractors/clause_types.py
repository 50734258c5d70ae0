"""Clause types: what a clause is about, from its heading first, then its body.

The closed vocabulary is `schemas.ClauseType`; heading patterns, body keywords and their
weights live in `patterns/clauses.json`, shared with `extractors.clauses`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from schemas import ClauseType

CLAUSE_PATTERNS: dict[str, Any] = json.loads(
    (Path(__file__).with_name("patterns") / "clauses.json").read_text(encoding="utf-8"))
_HEADING_LABEL = re.compile(
    r"^\W*(?:(?:section|article|clause|exhibit|schedule|annex(?:ure)?|appendix|attachment)\s+)?"
    r"(?:(?:\d+(?:\.\d+)*|[ivxlc]+|[a-z])\b[.)]?)?[\s.:-]*"
)
_TYPE_HEADINGS = {
    ClauseType(kind): [re.compile(p) for p in patterns]
    for kind, patterns in CLAUSE_PATTERNS["headings"].items()
}
_GENERIC = [re.compile(p) for p in CLAUSE_PATTERNS["generic_headings"]]
_BODY: dict[ClauseType, dict[str, int]] = {
    ClauseType(kind): weights for kind, weights in CLAUSE_PATTERNS["body"].items()
}


def heading_words(heading: str) -> str:
    """"12.1 Term." -> "term."; "ARTICLE IV - TERM AND TERMINATION" -> "term and termination"."""
    return _HEADING_LABEL.sub("", heading.lower(), count=1)


@lru_cache(maxsize=4096)
def heading_types(heading: str | None) -> tuple[ClauseType, ...]:
    """Clause types a heading names, in the vocabulary's order of precedence.

    `other` is returned only when no typed topic is named ("Notices", but not
    "Entire Agreement; Governing Law").
    """
    if not heading:
        return ()
    words = heading_words(heading)
    found = [kind for kind, pats in _TYPE_HEADINGS.items() if any(p.search(words) for p in pats)]
    typed = tuple(kind for kind in found if kind is not ClauseType.other)
    return typed or tuple(found)


def is_generic_heading(heading: str) -> bool:
    words = heading_words(heading)
    return any(p.search(words) for p in _GENERIC)


def _body_scores(body: str) -> Counter[ClauseType]:
    lowered = body.lower()
    scores: Counter[ClauseType] = Counter()
    for kind, phrases in _BODY.items():
        for phrase, weight in phrases.items():
            count = lowered.count(phrase)
            if count:
                scores[kind] += weight * min(count, 3)
    return scores


def classify_clause(heading: str | None, body: str, context: str | None = None) -> ClauseType:
    """The clause type: the heading decides, then the enclosing heading, then body keywords.

    A heading naming one type ("Limitation of Liability") settles it; one naming several
    ("Term and Termination", "Disclaimer; Limitation of Liability") gets the first of them,
    in the vocabulary's order of precedence, that the body mentions too. A heading naming
    a topic outside the vocabulary ("Notices", "Definitions") means `other`: the body of a
    definitions section mentions everything. Body keywords alone need a higher score
    under a heading that names some other topic ("Hosting Services").
    """
    for candidate in (heading, context):
        kinds = heading_types(candidate)
        if kinds and (kinds[0] is ClauseType.other or len(kinds) == 1):
            return kinds[0]
        if kinds:
            scores = _body_scores(body)
            return next((kind for kind in kinds if scores[kind]), kinds[0])
    scores = _body_scores(body)
    if not scores:
        return ClauseType.other
    kind, score = scores.most_common(1)[0]
    titled = heading and re.search(r"[a-z]{3}", heading_words(heading))
    if titled and heading and not is_generic_heading(heading):
        needed = CLAUSE_PATTERNS["min_body_score_titled"]
    else:
        needed = CLAUSE_PATTERNS["min_body_score" if len(body) < 1500 else "min_body_score_long"]
    return kind if score >= needed else ClauseType.other
