"""Penalties and remedies with a number on them: service credits, liquidated damages,
late-payment interest, fee reductions, and termination rights for chronic SLA failure.

Read from sentences (`doc.sents`) and from service-credit tables (one line per tier
under a header such as "Monthly Uptime Percentage | Service Credit (% of Monthly Fees)"):

* service credits: one `Penalty` per tier, `amount` = the credit percentage, `trigger`
  = "availability below 99.9%" (the threshold as printed) or, for a missed response time,
  "Priority 1 response time missed";
* a credit cap ("credits shall not exceed 30% of the monthly fees") is attached to every
  service credit; with no credit item it is reported on its own if it is about SLAs;
* liquidated damages ("$5,000 per day of delay", capped "up to a maximum of $250,000");
  a sentence that only mentions them (exclusions, "not a penalty") is not an item;
* late-payment interest ("1.5% per month", "the lesser of 1.5% per month or the maximum
  rate permitted by law") -> percent_per_month / percent_per_year;
* fee reductions tied to service levels; termination rights for chronic SLA failure.

A limitation-of-liability cap (total liability) is not a penalty and is never reported.
Word lists live in `patterns/penalties.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.sla import (
    METRIC_WORDS,
    PERCENT,
    lines_with_offsets,
    mask,
    percent_value,
    severity_label,
    word_patterns,
)
from extractors.values import parse_money
from schemas import Amount, Evidence, Penalty, PenaltyKind, SlaMetric

WORDS = word_patterns("penalties.json")
_MONEY = re.compile(
    r"(?P<code>(?:US|USD|EUR|GBP|CAD|AUD|RMB|CNY|INR|CHF|JPY)\s?)?(?P<sym>[$€£])?\s?"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s?(?:million|thousand|billion))?"
    r"(?:\s?(?P<word>dollars|euros|pounds|yuan))?",
    re.IGNORECASE,
)
_CAP_BEFORE = re.compile(
    r"(?:(?:not|never|event)\s+exceed|maximum(?:\s+\w+){0,3}?|max\.?|capped\s+at|cap\s+of|"
    r"up\s+to|limited\s+to|more\s+than|in\s+excess\s+of|greater\s+than)\s*"
    r"(?:of\s+|be\s+|will\s+be\s+|is\s+)?(?:\w+\s+){0,4}?(?:\(\s*)?$",
    re.IGNORECASE,
)
"""Just before a figure, a cap: "shall not exceed thirty percent (", "up to a maximum of "."""
_THRESHOLD_BEFORE = re.compile(
    r"(?:below|less\s+than|under|lower\s+than|falls?|drops?|above|short\s+of|<)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_FEES_AFTER = re.compile(
    r"^\s*\)?\s*of\s+(?:the\s+)?(?P<basis>(?:\w+[\s-]+){0,3}?)(?:fees?|charges?|price|invoice\w*"
    r"|amounts?)",
    re.IGNORECASE,
)
_PERIODS = (
    ("day", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+|business\s+|working\s+)?day",
                       re.IGNORECASE)),
    ("week", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+)?week", re.IGNORECASE)),
    ("month", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+)?month|\bmonthly\b",
                         re.IGNORECASE)),
    ("year", re.compile(r"\b(?:per\s+annum|per\s+year|a\s+year|annual(?:ly)?|yearly)\b",
                        re.IGNORECASE)),
)
_OWED = r"(?P<noun>amount|sum|invoice|payment|fee|balance|charge)s?"
_OVERDUE_PHRASE = re.compile(
    rf"\b{_OWED}\s+(?:(?:that|which)\s+(?:is|are)\s+)?(?P<state>not\s+paid\s+when\s+due|not\s+"
    r"paid\s+(?:on\s+time|by\s+the\s+due\s+date|within[^,.;]{0,25})|overdue|past\s+due|unpaid)"
    rf"|\b(?P<pre>overdue|past[\s-]due|unpaid|late)\s+{_OWED.replace('noun', 'noun2')}",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"\b(?:if|in\s+the\s+event(?:\s+that|\s+of)?|where|should)\s+(?P<cond>[^;:]+?)"
    r"(?:,|;|\.(?!\d)|$)",
    re.IGNORECASE,
)
_DEFINED_TERM = re.compile(r'\s*\((?:a|an|the|each)?\s*"[^"]+"\)')
_COPULA = re.compile(r"\b(?:is|are|was|falls?|drops?|goes)\s+(below|under|less\s+than)\b",
                     re.IGNORECASE)
_FAILS_TO = re.compile(
    r"\bfail(?:s|ed)?\s+to\s+(?P<verb>[a-z]+)\s+(?P<object>.+?)(?:\s+(?:by|on|within|"
    r"no\s+later\s+than|in\s+accordance\s+with)\b.*)?$",
    re.IGNORECASE,
)

Tier = tuple[str | None, float, bool]
"""A credit tier: (threshold as printed, credit percent, credit is of monthly fees)."""


@dataclass(frozen=True)
class _Cap:
    """A cap on service credits (or, `ld`, on liquidated damages) and where it is stated."""

    cap: Amount
    ld: bool
    sla: bool = True
    """Stated with service-level words: reportable even when no credit item is found."""
    evidence: Evidence | None = None


def find_penalties(text: ContractText, doc: Doc) -> list[Penalty]:
    """Service credits (per tier), liquidated damages, late payment, fee reductions and
    termination rights for SLA failure, in document order, each with its evidence."""
    found, rows = _credit_tables(text)
    masked = mask(text.text, rows)
    caps: list[_Cap] = []
    for sentence in doc.sents:
        start, end = sentence.start_char, sentence.end_char
        body = masked[start:end]
        if not body.strip():
            continue
        cap = _cap(body)
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
        ld = _liquidated_damages(body)
        yield from [ld] if ld else []
        return
    late = None
    if WORDS["interest"].search(body) and WORDS["late"].search(body):
        late = _late_payment(body)
    if late is not None:
        yield late
    elif WORDS["terminates"].search(body) and WORDS["chronic"].search(body):
        yield Penalty(kind=PenaltyKind.termination_right, trigger=_condition(body))
    elif WORDS["sla_context"].search(body):
        if WORDS["reduction"].search(body):
            yield from _credits(body, PenaltyKind.fee_reduction)
        elif WORDS["credit"].search(body) and not WORDS["not_credit"].search(body):
            yield from _credits(body, PenaltyKind.service_credit)


# -- service credits -----------------------------------------------------------------

def _credits(body: str, kind: PenaltyKind) -> Iterator[Penalty]:
    """Credit percentages in a sentence, each paired with the threshold before it, if any;
    failing those, a credit in money ("a service credit of $500 per incident")."""
    items = list(_percent_credits(body, kind))
    yield from items
    if items:
        return
    for amount, currency, start, _ in _money_mentions(body):
        before = body[max(0, start - 40):start]
        credit = re.search(r"\b(?:credit|rebate|reduc\w*)\b", before, re.IGNORECASE)
        if credit and not _CAP_BEFORE.search(before):
            yield Penalty(kind=kind, amount=amount, unit=currency, trigger=_credit_trigger(body))
            return


def _percent_credits(body: str, kind: PenaltyKind) -> Iterator[Penalty]:
    threshold: str | None = None
    for match in PERCENT.finditer(body):
        before = body[max(0, match.start() - 30):match.start()]
        value = percent_value(match)
        fees = _FEES_AFTER.match(body[match.end():])
        if _CAP_BEFORE.search(body[max(0, match.start() - 60):match.start()]):
            continue
        if _THRESHOLD_BEFORE.search(before) or (value >= 80 and not fees):
            threshold = match["value"]
            continue
        if fees is None and not re.search(r"\b(?:credit|rebate|reduc\w*)\b", before, re.IGNORECASE):
            continue
        trigger = f"availability below {threshold}%" if threshold else _credit_trigger(body)
        unit = _fee_unit(fees["basis"] if fees else None, body)
        yield Penalty(kind=kind, amount=value, unit=unit, trigger=trigger)


def _fee_unit(basis: str | None, context: str) -> str:
    words = (basis or context).lower()
    return "percent_of_monthly_fees" if "month" in words else "percent_of_fees"


def _credit_trigger(body: str) -> str | None:
    """"Priority 1 response time missed" when a severity's time is missed, else the condition."""
    if WORDS["missed"].search(body):
        severity = severity_label(body)
        for metric, pattern in METRIC_WORDS:
            if metric is not SlaMetric.other and pattern.search(body):
                words = metric.value.replace("_", " ")
                return f"{severity} {words} missed" if severity else f"{words} missed"
    return _condition(body)


def _cap(body: str) -> _Cap | None:
    """"credits shall not exceed 30% of the monthly fees" / "up to a maximum of US$250,000"."""
    is_ld = bool(WORDS["liquidated_damages"].search(body))
    if not is_ld and (not WORDS["credit"].search(body) or WORDS["not_credit"].search(body)):
        return None
    sla = bool(WORDS["sla_context"].search(body) or re.search(r"\brebates?\b", body, re.I))
    for match in PERCENT.finditer(body):
        if _CAP_BEFORE.search(body[max(0, match.start() - 60):match.start()]):
            fees = _FEES_AFTER.match(body[match.end():])
            if fees is None and not is_ld:
                continue
            unit = _fee_unit(fees["basis"] if fees else None, body)
            return _Cap(Amount(amount=percent_value(match), unit=unit), is_ld, sla)
    if not is_ld or any(pattern.search(body) for _, pattern in _PERIODS):
        return None
    for amount, currency, start, _ in _money_mentions(body):
        if _CAP_BEFORE.search(body[max(0, start - 60):start]):
            return _Cap(Amount(amount=amount, unit=currency), ld=True)
    return None


@dataclass(frozen=True)
class _Header:
    """A credit-table header: what the thresholds measure and where the credit column is."""

    metric: str
    credit_first: bool
    monthly: bool


def _credit_tables(ct: ContractText) -> tuple[list[tuple[int, Penalty]], list[tuple[int, int]]]:
    """Tiers of credit tables (a header with an availability and a credit column, then one
    row per tier), and the spans of the rows read, which prose reading must skip."""
    lines = [*lines_with_offsets(ct.text), (len(ct.text), "")]
    found: list[tuple[int, Penalty]] = []
    rows: list[tuple[int, int]] = []
    index = 0
    while index < len(lines) - 1:
        header = _credit_header(lines[index][1])
        index += 1
        while header is not None and index < len(lines) - 1:
            offset, line = lines[index]
            following_offset, following = lines[index + 1]
            sideways = _transposed(line, following)
            tier = None if sideways else _tier(line, header.credit_first)
            if line.strip() and not sideways and tier is None:
                break
            end = following_offset + len(following) if sideways else offset + len(line)
            tiers = sideways or ([tier] if tier and tier[1] > 0 else [])
            found += [(offset, _tier_penalty(ct, header, t, offset, end)) for t in tiers]
            rows += [(offset, end)] if line.strip() else []
            index += 2 if sideways else 1
            if sideways:
                break
    return found, rows


def _tier_penalty(ct: ContractText, header: _Header, tier: Tier, start: int, end: int) -> Penalty:
    threshold, credit, row_monthly = tier
    unit = "percent_of_monthly_fees" if header.monthly or row_monthly else "percent_of_fees"
    return Penalty(kind=PenaltyKind.service_credit, amount=credit, unit=unit,
                   trigger=f"{header.metric} below {threshold}%" if threshold else None,
                   evidence=ct.evidence(start, end))


def _transposed(line: str, following: str) -> list[Tier]:
    """A table laid out sideways: "% Of SLA Achieved 100% 95% 90%" over "Rebate 0% 10% 20%".

    Tier i applies below threshold i-1 (thresholds run from best to worst), so each credit
    is reported with the threshold before it; a zero credit is no tier.
    """
    levels = [m["value"] for m in PERCENT.finditer(line)]
    credits = [percent_value(m) for m in PERCENT.finditer(following)]
    if len(levels) < 3 or len(levels) != len(credits) or not WORDS["credit"].search(following):
        return []
    monthly = "month" in following.lower()
    return [(levels[i - 1], credit, monthly)
            for i, credit in enumerate(credits) if credit > 0 and i]


def _credit_header(line: str) -> _Header | None:
    if re.search(r"\d", line) or len(line) > 160:
        return None
    level = re.search(r"\b(?:availability|uptime|service\s+level|sla|performance)\b", line, re.I)
    credit = re.search(r"\b(?:credit|rebate|reduction|refund)\b", line, re.IGNORECASE)
    if not level or not credit:
        return None
    metric = "availability" if re.match(r"availab|uptime", level.group(), re.I) else "service level"
    return _Header(metric, credit.start() < level.start(), "month" in line[credit.start():].lower())


def _tier(line: str, credit_first: bool) -> Tier | None:
    """The tier of a row ("Less than 99.9% but at least 99.0%  10%"), else None."""
    percents = list(PERCENT.finditer(line))
    if not 0 < len(percents) <= 3 or len(line) > 160 or line.rstrip().endswith((".", ":")):
        return None
    credit = percents[0] if credit_first else percents[-1]
    thresholds = [m for m in percents if m is not credit]
    if not thresholds and not re.search(r"\b(?:below|less|under|fewer)\b|<", line, re.IGNORECASE):
        return None
    upper = max(thresholds, key=percent_value, default=None)
    monthly = "month" in line[credit.end():].lower()
    return (upper["value"] if upper else None), float(credit["value"]), monthly


# -- liquidated damages, late payment ------------------------------------------------

def _money_mentions(body: str) -> Iterator[tuple[float, str, int, int]]:
    """(amount, currency, start, end) of each money amount; bare numbers are not money, nor
    the "No/100" of "Fifty and No/100 Dollars"."""
    for match in _MONEY.finditer(body):
        is_money = match["code"] or match["sym"] or match["word"]
        if not is_money or body[:match.start()].endswith("/"):
            continue
        parsed = parse_money(match.group())
        if parsed is None:
            continue
        code = (match["code"] or "").strip().upper()
        currency = {"": parsed[1], "US": "USD", "RMB": "CNY"}.get(code, code)
        yield parsed[0], currency, match.start(), match.end()


def _liquidated_damages(body: str) -> Penalty | None:
    if WORDS["negated"].search(body) or not WORDS["imposes"].search(body):
        return None
    trigger = _condition(body)
    for amount, currency, start, end in _money_mentions(body):
        if _CAP_BEFORE.search(body[max(0, start - 60):start]):
            continue
        period = _period(body[end:end + 60])
        return Penalty(kind=PenaltyKind.liquidated_damages, amount=amount,
                       unit=f"{currency}_per_{period}" if period else currency,
                       trigger=_delay(trigger) if period in {"day", "week"} else trigger,
                       cap=_ld_cap(body, end))
    for match in PERCENT.finditer(body):
        period = _period(body[match.end():]) or _period(body)
        return Penalty(kind=PenaltyKind.liquidated_damages, amount=percent_value(match),
                       unit=f"percent_per_{period}" if period else "percent_of_fees",
                       trigger=trigger)
    return Penalty(kind=PenaltyKind.liquidated_damages, trigger=trigger)


def _ld_cap(body: str, after: int) -> Amount | None:
    for amount, currency, start, _ in _money_mentions(body[after:]):
        if _CAP_BEFORE.search(body[max(0, after + start - 60):after + start]):
            return Amount(amount=amount, unit=currency)
    return None


def _period(text: str) -> str | None:
    found = [(m.start(), name) for name, pattern in _PERIODS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def _late_payment(body: str) -> Penalty | None:
    trigger = _overdue(body)
    for match in PERCENT.finditer(body):
        window = body[max(0, match.start() - 40):match.end() + 40]
        amount = percent_value(match)
        if WORDS["base_rate"].search(window):
            return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                           unit="percent_over_base_rate", trigger=trigger)
        period = _period(body[match.end():match.end() + 40]) or _period(window)
        if period in {"month", "year", "day"}:
            return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                           unit=f"percent_per_{period}", trigger=trigger)
    for amount, currency, _, end in _money_mentions(body):
        period = _period(body[end:end + 40])
        return Penalty(kind=PenaltyKind.late_payment, amount=amount,
                       unit=f"{currency}_per_{period}" if period else currency, trigger=trigger)
    return None


def _overdue(body: str) -> str:
    """What the interest is charged on, in the plural: "Any amount not paid when due" ->
    "amounts not paid when due", "Overdue invoices" -> "overdue invoices"."""
    match = _OVERDUE_PHRASE.search(body)
    if match is None:
        return "late payment"
    if match["pre"]:
        return f"{' '.join(match['pre'].lower().split())} {match['noun2'].lower()}s"
    return f"{match['noun'].lower()}s {' '.join(match['state'].split())}"


def _condition(body: str) -> str | None:
    """The "if ..." / "in the event ..." part of a sentence, tidied: defined-term labels
    dropped, "is below" -> "below", a leading metric in lower case."""
    match = _CONDITION.search(body)
    if match is None:
        return None
    text = " ".join(_COPULA.sub(r"\1", _DEFINED_TERM.sub("", match["cond"])).split())
    first, _, rest = text.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        text = f"{first.lower()} {rest}".strip()
    return text


def _delay(condition: str | None) -> str | None:
    """Per-day damages run on delay: "the Supplier fails to achieve the Milestone by the
    Milestone Date" -> "delay in achieving the Milestone"."""
    match = _FAILS_TO.search(condition or "")
    if match is None:
        return condition
    verb = match["verb"].lower()
    gerund = f"{verb[:-1]}ing" if verb.endswith("e") and not verb.endswith("ee") else f"{verb}ing"
    return f"delay in {gerund} {match['object']}"


# -- assembly ------------------------------------------------------------------------

def _finish(items: list[Penalty], caps: list[_Cap]) -> list[Penalty]:
    """Attach caps, drop amountless repeats of a kind that has an amount, keep one item per
    (kind, amount, unit, trigger); a credit cap with no credit item is an item itself."""
    credit_cap = next((c for c in caps if not c.ld), None)
    ld_cap = next((c.cap for c in caps if c.ld), None)
    out: list[Penalty] = []
    seen: set[tuple[str, float | None, str | None, str | None]] = set()
    has_amount = {item.kind for item in items if item.amount is not None}
    for item in items:
        if item.amount is None and item.kind in has_amount:
            continue
        if item.cap is None and item.kind is PenaltyKind.service_credit and credit_cap:
            item = item.model_copy(update={"cap": credit_cap.cap})
        if item.cap is None and item.kind is PenaltyKind.liquidated_damages and ld_cap:
            item = item.model_copy(update={"cap": ld_cap})
        key = (item.kind.value, item.amount, item.unit, item.trigger)
        if key not in seen:
            seen.add(key)
            out.append(item)
    if credit_cap and credit_cap.sla and PenaltyKind.service_credit not in {i.kind for i in out}:
        out.append(Penalty(kind=PenaltyKind.service_credit, cap=credit_cap.cap,
                           evidence=credit_cap.evidence))
    return out
