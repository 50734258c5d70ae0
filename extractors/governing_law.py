"""Governing law: the jurisdiction whose law governs the contract, as a name only.

"governed by and construed in accordance with the laws of the State of New York" ->
"New York"; "the laws of the Province of Ontario and the federal laws of Canada" ->
"Ontario, Canada"; "English law" -> "England and Wales"; "PRC law" -> "People's
Republic of China". Jurisdiction names and aliases live in
`patterns/jurisdictions.json`.

A choice-of-law sentence is recognised by a governing verb ("governed", "construed",
"interpreted", "subject to", "shall apply") near "law(s)"; arbitration venues and
courts ("exclusive jurisdiction of the courts of ...") are not the governing law and
only count when nothing better is stated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.document import ContractText
from schemas import Evidence

_PATTERNS = Path(__file__).with_name("patterns") / "jurisdictions.json"

_CUE = re.compile(
    r"\b(?:governed|construed|interpreted|enforced|subject\s+to|in\s+accordance\s+with|"
    r"legislation|shall\s+apply|will\s+apply|apply\s+to)\b",
    re.IGNORECASE,
)
_LAW = re.compile(r"\blaws?\b|\blegislation\b", re.IGNORECASE)
_PREFIX = (
    r"(?:the\s+)?(?:(?:State|Commonwealth|Province|Republic|Kingdom|Federal\s+Republic)\s+of\s+)?"
)


@dataclass(frozen=True)
class GoverningLaw:
    jurisdiction: str
    evidence: Evidence


@dataclass(frozen=True)
class _Vocabulary:
    pattern: re.Pattern[str]
    canonical: dict[str, str]
    provinces: frozenset[str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = json.loads(_PATTERNS.read_text(encoding="utf-8"))
    aliases: dict[str, str] = data["aliases"]
    names: list[str] = data["us_states"] + data["canadian_provinces"] + data["countries"]
    canonical = {name.lower(): name for name in names}
    canonical.update({alias.lower(): target for alias, target in aliases.items()})
    alternatives = sorted(canonical, key=len, reverse=True)
    body = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in alternatives)
    pattern = re.compile(rf"\b{_PREFIX}(?P<name>{body})\b(?P<law>\s+law)?", re.IGNORECASE)
    return _Vocabulary(pattern, canonical, frozenset(p.lower() for p in data["canadian_provinces"]))


def _canonical_name(raw: str, following: str) -> str:
    vocab = _vocabulary()
    name = vocab.canonical[" ".join(raw.lower().split())]
    if name.lower() in vocab.provinces:
        return f"{name}, Canada"
    if name == "Washington" and re.match(r"\s*,?\s*D\.?\s*C\.?", following):
        return "District of Columbia"
    return name


_FEDERAL = frozenset({"united states", "canada"})


def _jurisdiction_in(segment: str) -> re.Match[str] | None:
    """First jurisdiction in `segment`, preferring a state/province over its federation.

    "the laws of the United States and the State of Arizona" is Arizona law; "English"
    only names a law when followed by "law" ("English language" does not).
    """
    federal: re.Match[str] | None = None
    for match in _vocabulary().pattern.finditer(segment):
        name = " ".join(match["name"].lower().split())
        if name == "english" and not match["law"]:
            continue
        if name in _FEDERAL:
            federal = federal or match
            continue
        return match
    return federal


def _sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """A cheap sentence around `offset`: from the previous full stop/blank line to the next."""
    start = max(text.rfind(marker, 0, offset) for marker in (". ", "\n\n", ".\n"))
    start = 0 if start < 0 else start + 2
    end_candidates = [i for i in (text.find(". ", offset), text.find(".\n", offset)) if i >= 0]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return start, min(end, offset + 600)


def find_governing_law(text: ContractText) -> GoverningLaw | None:
    """The governing-law jurisdiction with its evidence sentence, or None if not stated."""
    best: tuple[int, int, GoverningLaw] | None = None
    for law in _LAW.finditer(text.text):
        window_start = max(0, law.start() - 200)
        window = text.text[window_start : law.end() + 200]
        cue = _CUE.search(window)
        if cue is None:
            continue
        after = text.text[law.start() : law.end() + 160]
        before = text.text[max(0, law.start() - 60) : law.end()]
        match = _jurisdiction_in(after) or _jurisdiction_in(before)
        if match is None:
            continue
        following = match.string[match.end() : match.end() + 8]
        name = _canonical_name(match["name"], following)
        score = _score(window)
        sentence_start, sentence_end = _sentence_bounds(text.text, law.start())
        found = GoverningLaw(name, text.evidence(sentence_start, sentence_end))
        if best is None or score > best[0]:
            best = (score, law.start(), found)
        if score >= 3:
            break
    return best[2] if best else None


def _score(window: str) -> int:
    lowered = window.lower()
    score = 0
    if "governed" in lowered or "governing law" in lowered:
        score += 2
    if "construed" in lowered or "interpreted" in lowered:
        score += 1
    if "arbitration" in lowered or "courts of" in lowered or "venue" in lowered:
        score -= 1
    return score
