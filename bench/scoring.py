"""Scoring rules for the accuracy harness: pure functions, one per field family.

Each `score_*` function compares one contract's gold label with the extracted record
and returns a `Tally` (true positives, false positives, false negatives) plus, when
something is wrong, a short description of the miss. The rules themselves are
stated in `bench/accuracy.py`'s docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractors.values import parse_duration
from schemas import ContractRecord, Duration


@dataclass
class Tally:
    """Counts behind precision and recall.

    Precision = right / predicted; recall = found / gold. For single-value fields a
    right prediction is also a found gold value; for lists (parties) they differ.
    """

    right: int = 0
    predicted: int = 0
    found: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.predicted += other.predicted
        self.found += other.found
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positives(self) -> int:
        return self.predicted - self.right

    @property
    def false_negatives(self) -> int:
        return self.gold - self.found


SKIP = None
"""A score function returns SKIP when the gold label cannot be scored (partial dates)."""


def _unscorable_date(gold: Any) -> bool:
    """Partial gold dates ({"partial": ...}) and malformed ones cannot be scored."""
    if isinstance(gold, dict):
        return True
    if gold is None or gold == "perpetual":
        return False
    try:
        date.fromisoformat(gold)
    except (TypeError, ValueError):
        return True
    return False


def _compare(gold: Any, pred: Any, same: bool, label: str) -> Tally:
    """The usual single-value confusion: a wrong value counts against precision and recall."""
    tally = Tally(predicted=int(pred is not None), gold=int(gold is not None))
    if gold is not None and pred is not None and same:
        tally.right = tally.found = 1
    elif gold is not None or pred is not None:
        shown_gold = gold if gold is not None else "none"
        shown_pred = pred if pred is not None else "none"
        tally.misses.append(f"{label}: expected {shown_gold}, got {shown_pred}")
    return tally


def score_date(gold: Any, pred: date | None, label: str, gold_null_skipped: bool = False
               ) -> Tally | None:
    """Exact ISO match; partial gold skipped; gold null skipped only where the rule says."""
    if _unscorable_date(gold) or (gold is None and gold_null_skipped):
        return SKIP
    value = pred.isoformat() if pred else None
    return _compare(gold, value, gold == value, label)


def score_expiration(gold: Any, record: ContractRecord) -> Tally | None:
    """Gold 'perpetual' matches perpetual: true; a gold date matches within one day."""
    if _unscorable_date(gold):
        return SKIP
    pred: str | None
    if record.perpetual:
        pred = "perpetual"
    else:
        pred = record.expiration_date.isoformat() if record.expiration_date else None
    same = gold == pred
    if not same and gold not in (None, "perpetual") and record.expiration_date is not None:
        same = abs((record.expiration_date - date.fromisoformat(gold)).days) <= 1
    return _compare(gold, pred, same, "expiration")


def gold_durations(text: str | None) -> list[Duration] | None:
    """All durations in an annotator's answer ('successive 12 months; successive 6 months')."""
    if not text or text.strip().lower() == "perpetual":
        return None
    found = [d for part in re.split(r"[;/]", text) if (d := parse_duration(part)) is not None]
    return found or None


def _same_duration(a: Duration, b: Duration) -> bool:
    days_a, days_b = a.approx_days(), b.approx_days()
    return abs(days_a - days_b) <= 0.02 * max(days_a, days_b)


def score_duration(gold_text: str | None, pred: Duration | None, label: str) -> Tally | None:
    """Durations compared in days (12 months = 1 year), 2% tolerance; any gold value counts."""
    golds = gold_durations(gold_text)
    if gold_text and golds is None:
        return SKIP  # 'perpetual' or a date where a duration was expected
    same = bool(golds and pred and any(_same_duration(g, pred) for g in golds))
    return _compare(gold_text, str(pred) if pred else None, same, label)


def score_renewal_exists(gold_text: str | None, record: ContractRecord) -> Tally:
    exists = record.renewal.auto_renews or record.renewal.renewal_term is not None
    return _compare("yes" if gold_text else None, "yes" if exists else None, True,
                    "renewal exists")


_LAW_NOISE = re.compile(
    r"\b(?:the\s+)?(?:state|commonwealth|province)\s+of\b|\bthe\s+laws?\s+of\b|"
    r",?\s*(?:u\.?s\.?a\.?|united\s+states(?:\s+of\s+america)?|uk|united\s+kingdom|canada)\s*$",
    re.IGNORECASE,
)
_LAW_SAME = {"england": "england and wales", "wales": "england and wales",
             "federal republic of germany": "germany", "prc": "peoples republic of china",
             "china": "peoples republic of china", "massachussets": "massachusetts",
             "republic of south africa": "south africa"}
"""Gold spellings that name the same jurisdiction (annotators were not consistent)."""


def normalise_law(text: str) -> str:
    cleaned = _LAW_NOISE.sub(" ", text.lower())
    cleaned = " ".join(re.sub(r"[^\w\s]", "", cleaned).split())
    return _LAW_SAME.get(cleaned, cleaned)


def score_governing_law(gold: str | None, pred: str | None) -> Tally:
    golds = {normalise_law(g) for g in re.split(r";", gold)} if gold else set()
    value = normalise_law(pred) if pred else None
    return _compare(gold, pred, value in golds, "governing law")


_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
    "plc", "lp", "llp", "gmbh", "ag", "sa", "sas", "bv", "nv", "pte", "pty", "the", "lllp",
    "kg", "spa"})
_ALIAS_OPEN = re.compile(
    r"\(\s*(?:the\s+|collectively,?\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?(?:the\s+)?)?"
    r"[\"“”']")


def _name_words(name: str) -> list[str]:
    text = re.sub(r"[-/,]", " ", name.lower().replace("&", " and "))
    return [w for w in re.sub(r"[^\w\s]", "", text).split() if w not in _SUFFIXES]


def names_match(a: str, b: str) -> bool:
    """Equality, containment, or word-Jaccard >= 0.5 after dropping corporate suffixes."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    sa, sb = " ".join(wa), " ".join(wb)
    if sa == sb or f" {sa} " in f" {sb} " or f" {sb} " in f" {sa} ":
        return True
    return len(set(wa) & set(wb)) / len(set(wa) | set(wb)) >= 0.5


def gold_party_names(answer: str) -> list[str]:
    """Party names from the annotators' answer: the text before each parenthesised alias.

    Entries that only define the parties as a group ('Hyatt and Playa ("Parties")') and
    blank form placeholders are not parties of their own and are dropped.
    """
    names: list[str] = []
    for part in re.split(r";|(?<=\))\s*,\s*(?=[A-Z])", answer):
        part = part.strip().lstrip("(").strip()
        name = _ALIAS_OPEN.split(part)[0].strip()
        alias = part[len(name):]
        if not name or re.search(r"[\"“”]", name) or not _name_words(name):
            continue
        if re.search(r"\bpart(?:y|ies)\b(?!\s+[A-Z]\b)", alias, re.IGNORECASE) and " and " in name:
            continue
        if any(_name_words(name) == _name_words(seen) for seen in names):
            continue
        names.append(name)
    return names


def score_parties(gold: dict[str, Any], record: ContractRecord) -> Tally:
    """Recall over gold names; precision over predicted names against every gold mention."""
    names = gold_party_names(gold.get("answer") or "")
    mentions = names + list(gold.get("spans") or [])
    predicted = [party.name for party in record.parties]
    found = [g for g in names if any(names_match(g, p) for p in predicted)]
    right = [p for p in predicted if any(names_match(p, m) for m in mentions)]
    tally = Tally(right=len(right), predicted=len(predicted), found=len(found), gold=len(names))
    tally.misses = [f"party missed: {g}" for g in names if g not in found]
    tally.misses += [f"not a party: {p}" for p in predicted if p not in right]
    return tally
