"""Liquidated damages and late-payment charges, one sentence at a time.

* liquidated damages: "$5,000 per day of delay" -> 5000 USD_per_day, "RMB500 per trip"
  -> 500 CNY_per_trip, "0.5% of the
  Contract Price for each week of delay" -> 0.5 percent_per_week, "the deposit as
  liquidated damages" -> no amount; a cap in the same sentence ("up to a maximum of
  $250,000") is attached. A sentence that only mentions them (exclusions, "not a
  penalty") is not an item. Damages charged for paying late ("for each day of delay in
  payment ... liquidated damages at 0.5% of the fee due and unpaid") are late-payment
  charges: the trigger decides the kind, not the name.
* late payment: "1.5% per month", "the monthly rate of one and one half percent (1.5%)",
  "12% per annum", "the prime rate plus 2%" (percent_over_base_rate), "$50 per day";
  "interest at the legal rate" and redacted rates ("[*] finance charges") have no amount.
"""

from __future__ import annotations

import re

from extractors.penalty_terms import (
    FEES_AFTER,
    WORDS,
    condition,
    delay,
    fee_basis,
    is_cap,
    money_mentions,
    per_unit,
    period_after,
    period_near,
)
from extractors.sla_readers import PERCENT, percent_value
from schemas import Amount, Penalty, PenaltyKind

_OWED = r"(?P<noun>amount|sum|invoice|payment|fee|balance|charge)s?"
_OVERDUE_PHRASE = re.compile(
    rf"\b{_OWED}\s+(?:(?:that|which)\s+(?:is|are)\s+)?(?P<state>not\s+paid\s+when\s+due|not\s+"
    r"paid\s+(?:on\s+time|by\s+the\s+due\s+date|within[^,.;]{0,25})|overdue|past\s+due|unpaid)"
    rf"|\b(?P<pre>overdue|past[\s-]due|unpaid|late)\s+{_OWED.replace('noun', 'noun2')}",
    re.IGNORECASE,
)
_RATES = {"month", "year", "day"}
_DEFINITION = re.compile(r"\"\s*(?:means|shall\s+mean)\b", re.IGNORECASE)


def is_late_payment(body: str) -> bool:
    """The sentence charges interest or a fee for late payment (not a definition of a rate,
    nor a waiver)."""
    if WORDS["no_interest"].search(body) or _DEFINITION.search(body):
        return False
    if WORDS["late_charge"].search(body) and WORDS["imposes_charge"].search(body):
        return True
    return bool(WORDS["interest"].search(body) and WORDS["late"].search(body))


def liquidated_damages(body: str) -> Penalty | None:
    """The liquidated damages a sentence imposes, if it imposes any."""
    if WORDS["negated"].search(body) or not WORDS["imposes"].search(body):
        return None
    if WORDS["payment_delay"].search(body):
        late = late_payment(body)
        if late is not None and late.amount is not None:
            return late
    trigger = condition(body)
    for amount, currency, start, end in money_mentions(body):
        if is_cap(body, start):
            continue
        period = per_unit(body, end)
        return Penalty(kind=PenaltyKind.liquidated_damages, amount=amount,
                       unit=f"{currency}_per_{period}" if period else currency,
                       trigger=delay(trigger) if period in {"day", "week"} else trigger,
                       cap=_cap_after(body, end))
    for match in PERCENT.finditer(body):
        if is_cap(body, match.start()):
            continue
        period = period_after(body[match.end():match.end() + 80])
        basis = FEES_AFTER.match(body, match.end())
        unit = (f"percent_per_{period}" if period
                else f"percent_of_{fee_basis(basis)}" if basis else "percent_of_fees")
        return Penalty(kind=PenaltyKind.liquidated_damages, amount=percent_value(match),
                       unit=unit, trigger=delay(trigger) if period in {"day", "week"} else trigger,
                       cap=_cap_after(body, match.end()))
    return Penalty(kind=PenaltyKind.liquidated_damages, trigger=trigger)


def _cap_after(body: str, after: int) -> Amount | None:
    """A cap stated after the amount: "up to a maximum of $250,000" or "of 10% of the
    Contract Price"."""
    for amount, currency, start, _ in money_mentions(body[after:]):
        if is_cap(body, after + start):
            return Amount(amount=amount, unit=currency)
    for match in PERCENT.finditer(body, after):
        basis = FEES_AFTER.match(body, match.end())
        if is_cap(body, match.start()) and basis:
            return Amount(amount=percent_value(match), unit=f"percent_of_{fee_basis(basis)}")
    return None


def late_payment(body: str) -> Penalty | None:
    """The late-payment charge of a sentence that `is_late_payment` (amount None when the
    rate is not stated as a number)."""
    trigger = _overdue(body)
    for match in PERCENT.finditer(body):
        window = body[max(0, match.start() - 40):match.end() + 40]
        amount = percent_value(match)
        if WORDS["base_rate"].search(window):
            return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                           unit="percent_over_base_rate", trigger=trigger)
        period = period_near(body, match.start(), match.end())
        if period in _RATES:
            return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                           unit=f"percent_per_{period}", trigger=trigger)
    for amount, currency, _, end in money_mentions(body):
        period = period_after(body[end:end + 40])
        return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                       unit=f"{currency}_per_{period}" if period else currency, trigger=trigger)
    if PERCENT.search(body):
        return None
    return Penalty(kind=PenaltyKind.late_payment, trigger=trigger)


def _overdue(body: str) -> str:
    """What the interest is charged on, in the plural: "Any amount not paid when due" ->
    "amounts not paid when due", "Overdue invoices" -> "overdue invoices"."""
    match = _OVERDUE_PHRASE.search(body)
    if match is None:
        return "late payment"
    if match["pre"]:
        return f"{' '.join(match['pre'].lower().split())} {match['noun2'].lower()}s"
    return f"{match['noun'].lower()}s {' '.join(match['state'].split())}"
