"""Service credits and fee reductions stated in a sentence, and caps on credits.

Each percentage of a sentence plays one part:

* a cap: "shall not exceed, in aggregate, fifteen percent (15%)" (see `CreditCap`);
* a threshold: after "below", "less than", "falls", or a high figure that is no share of
  fees ("99.0% to 99.9% availability");
* a credit: a share of fees ("5% of the monthly fees"), a figure right after a credit word
  ("a service credit of 5%") or right before one ("10% credit"), or, once a sentence has
  named one credit, any further low figure ("..., rising to 10% if ...").

A credit's tier is the threshold that follows it in the same clause when a condition
links them ("10% if Availability falls below 99.0%"), else the last threshold before it
("below 98.0%: 20% credit"). A credit with no percentage may be in money ("a service
credit of $500").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extractors.penalty_terms import (
    FEES_AFTER,
    WORDS,
    condition,
    fee_basis,
    fee_unit,
    is_cap,
    money_mentions,
    period_after,
)
from extractors.sla import METRIC_WORDS
from extractors.sla_readers import PERCENT, percent_value, severity_label
from schemas import Amount, Evidence, Penalty, PenaltyKind, SlaMetric

_THRESHOLD_BEFORE = re.compile(
    r"(?:below|less\s+than|under|lower\s+than|falls?|drops?|above|short\s+of|<)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_CREDIT_BEFORE = re.compile(r"\b(?:credit|rebate|reduc\w*)\b", re.IGNORECASE)
_CREDIT_AFTER = re.compile(r"\s*\)?\s*(?:service\s+)?(?:credits?|rebates?)\b", re.IGNORECASE)
_LINKED_CONDITION = re.compile(r"^[^;]*\b(?:if|when|where|should|for)\b[^;]*$", re.IGNORECASE)
_MAX_CREDIT = 80


@dataclass(frozen=True)
class CreditCap:
    """A cap on service credits (or, `ld`, on liquidated damages) and where it is stated."""

    cap: Amount
    ld: bool
    sla: bool = True
    """Stated with service-level words: reportable even when no credit item is found."""
    evidence: Evidence | None = None


@dataclass(frozen=True)
class _Figure:
    match: re.Match[str]
    role: str
    """"threshold" or "credit" (caps and stray figures are not kept)."""
    fees: re.Match[str] | None


def credits(body: str, kind: PenaltyKind) -> list[Penalty]:
    """Credit percentages in a sentence, each with its tier; failing those, a credit in
    money ("a service credit of $500 per incident")."""
    items = list(_percent_credits(body, kind))
    if items:
        return items
    for amount, currency, start, _ in money_mentions(body):
        if _CREDIT_BEFORE.search(body, max(0, start - 40), start) and not is_cap(body, start):
            return [Penalty(kind=kind, amount=amount, unit=currency, trigger=credit_trigger(body))]
    return []


def _figures(body: str) -> list[_Figure]:
    figures: list[_Figure] = []
    for match in PERCENT.finditer(body):
        if is_cap(body, match.start()):
            continue
        before = body[max(0, match.start() - 30):match.start()]
        value = percent_value(match)
        fees = FEES_AFTER.match(body, match.end())
        if _THRESHOLD_BEFORE.search(before) or (value >= _MAX_CREDIT and not fees):
            figures.append(_Figure(match, "threshold", fees))
        elif (fees or _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(body, match.end())
              or any(f.role == "credit" for f in figures)):
            figures.append(_Figure(match, "credit", fees))
    return figures


def _percent_credits(body: str, kind: PenaltyKind) -> Iterator[Penalty]:
    figures = _figures(body)
    unit = None
    for index, figure in enumerate(figures):
        if figure.role != "credit":
            continue
        threshold = _tier_threshold(body, figures, index)
        trigger = f"availability below {threshold}%" if threshold else credit_trigger(body)
        unit = fee_unit(figure.fees["basis"], body) if figure.fees else unit or fee_unit(None, body)
        yield Penalty(kind=kind, amount=percent_value(figure.match), unit=unit, trigger=trigger)


def _tier_threshold(body: str, figures: list[_Figure], index: int) -> str | None:
    """The threshold printed for the credit `figures[index]`."""
    credit = figures[index].match
    following = figures[index + 1] if index + 1 < len(figures) else None
    if following is not None and following.role == "threshold":
        between = body[credit.end():following.match.start()]
        if _LINKED_CONDITION.match(between):
            return following.match["value"]
    before = [f for f in figures[:index] if f.role == "threshold"]
    return before[-1].match["value"] if before else None


def credit_trigger(body: str) -> str | None:
    """"Priority 1 response time missed" when a severity's time is missed, else the condition."""
    if WORDS["missed"].search(body):
        severity = severity_label(body)
        for metric, pattern in METRIC_WORDS:
            if metric is not SlaMetric.other and pattern.search(body):
                words = metric.value.replace("_", " ")
                return f"{severity} {words} missed" if severity else f"{words} missed"
    return condition(body)


def credit_cap(body: str) -> CreditCap | None:
    """"credits shall not exceed 30% of the monthly fees" / "up to a maximum of US$250,000"."""
    is_ld = bool(WORDS["liquidated_damages"].search(body))
    if not is_ld and (not WORDS["credit"].search(body) or WORDS["not_credit"].search(body)):
        return None
    sla = bool(WORDS["sla_context"].search(body) or re.search(r"\brebates?\b", body, re.I))
    for match in PERCENT.finditer(body):
        if is_cap(body, match.start()):
            fees = FEES_AFTER.match(body, match.end())
            if fees is None and not is_ld:
                continue
            unit = (f"percent_of_{fee_basis(fees)}" if is_ld and fees
                    else fee_unit(fees["basis"] if fees else None, body))
            return CreditCap(Amount(amount=percent_value(match), unit=unit), is_ld, sla)
    if not is_ld or period_after(body):
        return None
    for amount, currency, start, _ in money_mentions(body):
        if is_cap(body, start):
            return CreditCap(Amount(amount=amount, unit=currency), ld=True)
    return None
