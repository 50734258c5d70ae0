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
    r"\b(?:govern(?:s|ed)?|construed|interpreted|enforced|subject\s+to|in\s+accordance\s+with|"
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
    pattern = re.compile(rf"\b{_PREFIX}(?P<name>{body})(?!\w)(?P<law>\s+law)?", re.IGNORECASE)
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
    # Not at blank lines: a page break (with its running header) often splits a sentence.
    start = max(text.rfind(marker, 0, offset) for marker in (". ", ".\n"))
    start = 0 if start < 0 else start + 2
    end_candidates = [i for i in (text.find(". ", offset), text.find(".\n", offset)) if i >= 0]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return start, min(end, offset + 600)


def find_governing_law(text: ContractText) -> GoverningLaw | None:
    """The governing-law jurisdiction with its evidence sentence, or None if not stated.

    Every mention of "law(s)" near a governing verb is a candidate; the sentence around
    it is scored (`_score`) and the best-scoring one wins, the earliest on a tie.
    """
    best: tuple[int, int, GoverningLaw] | None = None
    for law in _LAW.finditer(text.text):
        window = text.text[max(0, law.start() - 200) : law.end() + 200]
        if _CUE.search(window) is None:
            continue
        match = _jurisdiction_after(text.text, law.start(), law.end())
        if match is None:
            continue
        following = match.string[match.end() : match.end() + 8]
        name = _canonical_name(match["name"], following)
        sentence_start, sentence_end = _sentence_bounds(text.text, law.start())
        before = text.text[max(0, law.start() - 250) : law.start()]
        score = _score(text.text[sentence_start:sentence_end], before)
        if best is None or score > best[0]:
            found = GoverningLaw(name, text.evidence(sentence_start, sentence_end))
            best = (score, law.start(), found)
    return best[2] if best is not None and best[0] > 0 else None


def _jurisdiction_after(source: str, start: int, end: int) -> re.Match[str] | None:
    """The jurisdiction named after (or just before) a "law(s)" mention.

    When only a federation is found nearby ("the laws of the United States of America
    and of the State of Texas"), look further for the state.
    """
    match = _jurisdiction_in(source[start : end + 160]) or _jurisdiction_in(
        source[max(0, start - 60) : end]
    )
    if match is not None and " ".join(match["name"].lower().split()) in _FEDERAL:
        wider = _jurisdiction_in(source[start : end + 320])
        if wider is not None:
            return wider
    return match


_GOVERNING_VERB = re.compile(
    r"\bgovern(?:ed|s)?\b(?:\s+(?:in\s+all\s+respects|exclusively|solely))?(?:\s+by)?|"
    r"\b(?:laws?|legislation)\b[^.;]{0,80}\b(?:shall|will)\s+(?:govern|apply|control)",
    re.IGNORECASE,
)
_LAW_HEADING = re.compile(
    r"governing\s+law|choice\s+of\s+law|applicable\s+law|controlling\s+law|law\s+and\s+"
    r"jurisdiction|jurisdiction\s+and\s+law",
    re.IGNORECASE,
)
_UNDER_THE_LAWS = re.compile(
    r"\b(?:subject\s+to|in\s+accordance\s+with|made\s+under|pursuant\s+to)\s+(?:the\s+)?"
    r"(?:provisions?\s+of\s+the\s+)?(?:\w+\s+){0,2}laws?\b",
    re.IGNORECASE,
)
_FORUM = re.compile(
    r"\barbitrat|\bcourts?\b|\bvenue\b|\bjurisdiction\s+of\b|\bservice\s+of\s+process\b|"
    r"\bagent\s+for\s+service\b|\bincorporated\b|\borganized\b|\bformed\s+under\b|"
    r"\bexisting\s+under\b",
    re.IGNORECASE,
)


def _score(sentence: str, before: str) -> int:
    """How much a sentence reads as the choice of law (not a forum, venue or incorporation).

    `before` is the text just before the "law(s)" mention: where a "Governing Law"
    heading stands, and where "shall be governed by" stands when a page break with its
    running header splits the sentence.
    """
    score = 0
    lead = before[-150:]
    governs = bool(_GOVERNING_VERB.search(sentence) or _GOVERNING_VERB.search(lead))
    construes = re.search(r"\b(?:constru\w+|interpret\w*|enforced)\b", sentence + " " + lead,
                          re.IGNORECASE) is not None
    if governs:
        score += 3
    if construes:
        score += 2
    if _LAW_HEADING.search(before) or _LAW_HEADING.search(sentence[:80]):
        score += 2
    if _UNDER_THE_LAWS.search(sentence):
        score += 1
    if _FORUM.search(sentence) and not (governs or construes):
        score -= 3
    return score
