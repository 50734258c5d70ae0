"""Penalties and remedies with a number on them: service credits, liquidated damages,
late-payment interest, fee reductions, termination rights for SLA failure, and
performance-guarantee payments.

Read from sentences and from service-credit tables (`penalty_tables`):

* service credits: one `Penalty` per tier, `amount` = the credit percentage, `trigger`
  = "availability below 99.9%" (the threshold as printed) or, for a missed response time,
  "Priority 1 response time missed";
* a credit cap ("credits shall not exceed 30% of the monthly fees") is attached to every
  service credit; with no credit item it is reported on its own if it is about SLAs;
* liquidated damages and late-payment charges: see `penalty_payments`;
* fee reductions tied to service levels or to a performance failure ("the revenue share
  fee shall be decreased accordingly"), with no amount when none is stated;
* termination rights triggered by a service failure: chronic SLA failure, a Priority 1
  outage left unresolved, a site not operational by a deadline (not termination for
  breach in general);
* `other`: payments a provider makes when a performance guarantee is not met or for a
  shortfall ("Operator shall reimburse Owner for any Gas Payment Shortfall").

A limitation-of-liability cap (total liability) is not a penalty and is never reported.
Word lists live in `patterns/penalties.json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.penalty_credits import CreditCap, credit_cap, credits
from extractors.penalty_payments import is_late_payment, late_payment, liquidated_damages
from extractors.penalty_tables import credit_tables
from extractors.penalty_terms import WORDS, condition
from extractors.sentences import sentence_spans
from extractors.sla_readers import mask, sentences_with
from schemas import Penalty, PenaltyKind

_KEYWORDS = ("liquidated", "interest", "late", "finance", "terminat", "credit", "rebate", "reduc",
             "decreas", "shortfall", "guarantee", "warrant")
"""A sentence without any of these states no penalty and no cap: it is not read."""


def find_penalties(text: ContractText, doc: Doc) -> list[Penalty]:
    """Service credits (per tier), liquidated damages, late payment, fee reductions,
    termination rights for SLA failure and guarantee payments, in document order, each
    with its evidence."""
    found, rows = credit_tables(text)
    masked = mask(text.text, rows)
    caps: list[CreditCap] = []
    spans = sentence_spans(doc)
    for index in sorted(sentences_with(masked.lower(), spans, _KEYWORDS)):
        start, end = spans[index]
        body = masked[start:end]
        cap = credit_cap(body)
        if cap is not None:
            caps.append(replace(cap, evidence=text.evidence(start, end)))
        items = list(_sentence_penalties(body))
        if items:
            evidence = text.evidence(start, end)
            found += [(start, item.model_copy(update={"evidence": evidence})) for item in items]
    return _finish([item for _, item in sorted(found, key=lambda pair: pair[0])], caps)


def _sentence_penalties(body: str) -> Iterator[Penalty]:
    """The one kind of penalty a sentence states, if any (checked most specific first)."""
    if WORDS["liquidated_damages"].search(body):
        ld = liquidated_damages(body)
        yield from [ld] if ld else []
        return
    late = late_payment(body) if is_late_payment(body) else None
    if late is not None:
        yield late
    elif WORDS["terminates"].search(body) and WORDS["chronic"].search(body):
        yield Penalty(kind=PenaltyKind.termination_right, trigger=condition(body))
    elif _guarantee_payment(body):
        yield Penalty(kind=PenaltyKind.other, trigger=condition(body))
    elif WORDS["reduction"].search(body) and (WORDS["sla_context"].search(body)
                                             or WORDS["performance_failure"].search(body)):
        yield from credits(body, PenaltyKind.fee_reduction) or [
            Penalty(kind=PenaltyKind.fee_reduction, trigger=condition(body))]
    elif (WORDS["sla_context"].search(body) and WORDS["credit"].search(body)
          and not WORDS["not_credit"].search(body)):
        yield from credits(body, PenaltyKind.service_credit)


def _guarantee_payment(body: str) -> bool:
    """A payment for missing a performance guarantee, or for a shortfall in performance."""
    if not WORDS["provider_pays"].search(body):
        return False
    return bool(WORDS["performance_guarantee"].search(body) or (
        WORDS["shortfall"].search(body) and WORDS["performance_measure"].search(body)))


# -- assembly ------------------------------------------------------------------------

def _finish(items: list[Penalty], caps: list[CreditCap]) -> list[Penalty]:
    """Attach caps, drop amountless repeats of a kind that has an amount, keep one item per
    (kind, amount, unit, trigger) and one amountless late-payment item (a contract has one
    late-payment regime, however often it is restated); a credit cap with no credit item
    is an item itself."""
    credits_cap = next((c for c in caps if not c.ld), None)
    ld_cap = next((c.cap for c in caps if c.ld), None)
    out: list[Penalty] = []
    seen: set[tuple[str, float | None, str | None, str | None]] = set()
    has_amount = {item.kind for item in items if item.amount is not None}
    for item in items:
        if item.amount is None and item.kind in has_amount:
            continue
        if item.cap is None and item.kind is PenaltyKind.service_credit and credits_cap:
            item = item.model_copy(update={"cap": credits_cap.cap})
        if item.cap is None and item.kind is PenaltyKind.liquidated_damages and ld_cap:
            item = item.model_copy(update={"cap": ld_cap})
        late_only = item.kind is PenaltyKind.late_payment and item.amount is None
        key = (item.kind.value, item.amount, item.unit, None if late_only else item.trigger)
        if key not in seen:
            seen.add(key)
            out.append(item)
    if credits_cap and credits_cap.sla and PenaltyKind.service_credit not in {i.kind for i in out}:
        out.append(Penalty(kind=PenaltyKind.service_credit, cap=credits_cap.cap,
                           evidence=credits_cap.evidence))
    return out
