"""Service-credit tables: one `Penalty` per tier.

A header names what the thresholds measure and the credit column ("Monthly Uptime
Percentage | Service Credit (% of Monthly Fees)"); each following line is one tier
("Less than 99.9% but at least 99.0%  10% of Monthly Fees"), with the credit first or
last as the header says. A table laid out sideways ("% Of SLA Achieved 100% 95% 90%" over
"Monthly Rebate % applied 0% 10% 20%") gives one tier per non-zero credit. Only lines
with a credit word are tried as headers, so a long contract costs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import ContractText
from extractors.penalty_terms import WORDS
from extractors.sla_readers import PERCENT, Lines, line_index, offsets_of, percent_value
from schemas import Penalty, PenaltyKind

Tier = tuple[str | None, float, bool]
"""A credit tier: (threshold as printed, credit percent, credit is of monthly fees)."""

_LEVEL = re.compile(r"\b(?:availability|uptime|service\s+level|sla|performance)\b", re.I)
_CREDIT = re.compile(r"\b(?:credit|rebate|reduction|refund)\b", re.IGNORECASE)
_CREDIT_STEMS = ("credit", "rebate", "reduction", "refund")
_BELOW = re.compile(r"\b(?:below|less|under|fewer)\b|<", re.IGNORECASE)


@dataclass(frozen=True)
class _Header:
    """A credit-table header: what the thresholds measure and where the credit column is."""

    metric: str
    credit_first: bool
    monthly: bool


def credit_tables(ct: ContractText) -> tuple[list[tuple[int, Penalty]], list[tuple[int, int]]]:
    """Tiers of credit tables, and the spans of the rows read, which prose reading skips."""
    lines = line_index(ct.text)
    lines.starts.append(len(ct.text))
    lines.texts.append("")
    found: list[tuple[int, Penalty]] = []
    rows: list[tuple[int, int]] = []
    done = -1
    for index in sorted({lines.index_at(at) for at in offsets_of(ct.text.lower(), _CREDIT_STEMS)}):
        header = _credit_header(lines.texts[index]) if index > done else None
        if header is not None:
            done = _read_tiers(ct, lines, index + 1, header, found, rows)
    return found, rows


def _read_tiers(ct: ContractText, lines: Lines, index: int, header: _Header,
                found: list[tuple[int, Penalty]], rows: list[tuple[int, int]]) -> int:
    """Read the tier rows from line `index` on into `found` / `rows`; the last line read."""
    while index < len(lines.texts) - 1:
        offset, line = lines.starts[index], lines.texts[index]
        following_offset, following = lines.starts[index + 1], lines.texts[index + 1]
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
    return index - 1


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
    if "%" not in line:
        return []
    levels = [m["value"] for m in PERCENT.finditer(line)]
    credits = [percent_value(m) for m in PERCENT.finditer(following)]
    if len(levels) < 3 or len(levels) != len(credits) or not WORDS["credit"].search(following):
        return []
    monthly = "month" in following.lower()
    return [(levels[i - 1], credit, monthly)
            for i, credit in enumerate(credits) if credit > 0 and i]


def _credit_header(line: str) -> _Header | None:
    if len(line) > 160 or re.search(r"\d", line):
        return None
    level = _LEVEL.search(line)
    credit = _CREDIT.search(line)
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
    if not thresholds and not _BELOW.search(line):
        return None
    upper = max(thresholds, key=percent_value, default=None)
    monthly = "month" in line[credit.end():].lower()
    return (upper["value"] if upper else None), percent_value(credit), monthly
