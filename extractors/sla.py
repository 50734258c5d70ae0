"""Service-level commitments: availability targets and response/resolution times.

Two sources, because contracts state SLAs both ways:

* prose, read sentence by sentence: "Host guarantees a Monthly Uptime Percentage of at
  least 99.95%", "Severity 1: response within one (1) hour; resolution within four (4)
  hours", "Response in under one (1) hour during technical support desk hours" (business
  hours);
* severity tables (`sla_tables`): one row per line, one cell per line, or wide columns
  whose cells wrap over several lines. The header tells which time belongs to which
  metric; the row's first cell names the severity. Tables read are not read again as
  prose.

A percentage is an availability target only near an availability word and not as a
threshold ("falls below 99.5%" is a credit or termination trigger, see `penalties`), nor
as a share of fees, ownership or interest. A time is a response/resolution target only
in a support context (severity, incident, ticket, error...), so "resolve the dispute
within thirty (30) days" and "payable within 30 days" are not SLAs. Identical
commitments stated twice (body and exhibit) are reported once.

Word lists live in `patterns/sla.json`; the time, percentage and severity readers
(`sla_readers`) are shared with `penalties`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.sentences import sentence_spans
from extractors.sla_readers import (
    PERCENT,
    SEVERITY,
    TIME_MENTION,
    WORDS,
    TimeLimit,
    label_of,
    lines_with_offsets,
    mask,
    percent_value,
    sentences_with,
    severity_label,
    time_limits,
    word_patterns,
)
from extractors.sla_tables import table_commitments
from schemas import SlaCommitment, SlaMetric

__all__ = [
    "METRIC_WORDS", "PERCENT", "TIME_MENTION", "TimeLimit", "find_sla_commitments",
    "lines_with_offsets", "mask", "measurement_window", "percent_value", "severity_label",
    "time_limits", "word_patterns",
]

METRIC_WORDS = (
    (SlaMetric.resolution_time, WORDS["resolution_time"]),
    (SlaMetric.response_time, WORDS["response_time"]),
    (SlaMetric.other, WORDS["escalation_time"]),
    (SlaMetric.other, WORDS["update_time"]),
)
_THRESHOLD_BEFORE = re.compile(
    r"(?:below|less\s+than|under|lower\s+than|falls?|drops?|short\s+of|fails?\s+to\s+(?:meet|"
    r"achieve)|<|between|from|(?:but|and)\s+at\s+least|at\s+or\s+above|above)\s*(?:the\s+)?"
    r"(?:\w+\s+)?$",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(
    r"^\s*(?:\)\s*)?(?:of\s+(?:the\s+)?(?:\w+\s+){0,3}(?:fees?|charges?|price|amount|revenue|"
    r"shares|interests?|securities|payments?|invoice|sales|cost))",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"\"\s*(?:means|shall\s+mean|refers\s+to)\b", re.IGNORECASE)
_WINDOWS = ("month", "quarter", "year", "week")
_FIGURES = ("%", "percent", "per cent", "min", "hour", "hr", "day")
"""A sentence without any of these holds no percentage and no time: it is not read."""


def find_sla_commitments(text: ContractText, doc: Doc) -> list[SlaCommitment]:
    """Availability targets and per-severity response/resolution times, with evidence.

    `doc` is `parse(text.text)`; its sentences carry the prose commitments, and the
    lines of `text` the tables. The result is in document order, one item per
    distinct (metric, target, unit, severity).
    """
    found, tables = table_commitments(text)
    masked = mask(text.text, tables)
    spans = sentence_spans(doc)
    for index in sorted(sentences_with(masked.lower(), spans, _FIGURES)):
        start, end = spans[index]
        items = _sentence_commitments(text, masked[start:end], start, end)
        found += [(start, item) for item in items]
    return _dedupe(item for _, item in sorted(found, key=lambda pair: pair[0]))


def _sentence_commitments(ct: ContractText, sentence: str, start: int,
                          end: int) -> list[SlaCommitment]:
    items = list(_availability(ct, sentence, start, end))
    if (WORDS["support_context"].search(sentence) and not WORDS["not_support"].search(sentence)
            and not _DEFINITION.search(sentence)):
        items += _times(ct, sentence, start, end)
    return items


def _availability(ct: ContractText, sentence: str, start: int,
                  end: int) -> Iterator[SlaCommitment]:
    if not WORDS["availability"].search(sentence):
        return
    for match in PERCENT.finditer(sentence):
        value = percent_value(match)
        before = sentence[max(0, match.start() - 40):match.start()]
        if not 90 <= value < 100 or _THRESHOLD_BEFORE.search(before):
            continue
        near = sentence[max(0, match.start() - 160):match.end() + 160]
        close = sentence[max(0, match.start() - 60):match.end() + 60]
        if _SHARE_AFTER.match(sentence[match.end():]) or WORDS["not_availability"].search(close):
            continue
        if WORDS["availability"].search(near):
            yield SlaCommitment(
                metric=SlaMetric.availability, target=value, unit="percent",
                window=measurement_window(sentence, match.start()),
                evidence=ct.evidence(start, end),
            )


def measurement_window(sentence: str, position: int) -> str | None:
    """The window nearest the figure: "per calendar month" -> month, "quarterly" -> quarter."""
    best: tuple[int, str] | None = None
    for window in _WINDOWS:
        for match in WORDS[window].finditer(sentence):
            distance = abs(match.start() - position)
            if best is None or distance < best[0]:
                best = (distance, window)
    return best[1] if best else None


def _times(ct: ContractText, sentence: str, start: int, end: int) -> list[SlaCommitment]:
    """Response/resolution times in a sentence, each under the severity mentioned before it.

    "Severity 1: response within one (1) hour; resolution within four (4) hours" gives two
    Severity 1 items; "respond to each Priority 1 Incident within thirty (30) minutes" one.
    A time belongs to the metric word before it or, failing that, right after it ("a
    four-hour response"); days need the metric word close and a severity ("resolved within
    30 days after notice" is no SLA). The first time per (severity, metric) counts: later
    ones are exceptions ("(1 hour on weekends)").
    """
    keywords = sorted(
        (m.start(), m.end(), metric)
        for metric, pattern in METRIC_WORDS
        for m in pattern.finditer(sentence)
    )
    marks = list(SEVERITY.finditer(sentence))
    seen: set[tuple[str | None, SlaMetric]] = set()
    items: list[SlaCommitment] = []
    for limit in time_limits(sentence):
        metric = _metric_for(keywords, limit, sentence)
        if metric is None or metric is SlaMetric.other:
            continue
        before = [m for m in marks if m.end() <= limit.start]
        severity = label_of(before[-1]) if before else None
        if (severity, metric) in seen or (severity is None and limit.unit.endswith("days")):
            continue
        seen.add((severity, metric))
        items.append(SlaCommitment(metric=metric, target=limit.target, unit=limit.unit,
                                   severity=severity, evidence=ct.evidence(start, end)))
    return items


def _metric_for(keywords: list[tuple[int, int, SlaMetric]], limit: TimeLimit,
                sentence: str) -> SlaMetric | None:
    reach = 60 if limit.unit.endswith("days") else 120
    before = [k for k in keywords if k[1] <= limit.start and limit.start - k[1] <= reach]
    if before:
        if WORDS["deadline_verb"].search(sentence, before[-1][1], limit.start):
            return None
        return before[-1][2]
    after = [k for k in keywords if k[0] >= limit.end and k[0] - limit.end <= 12]
    return after[0][2] if after else None


def _dedupe(items: Iterator[SlaCommitment]) -> list[SlaCommitment]:
    """One item per (metric, target, unit, severity); a stated window beats none."""
    kept: dict[tuple[str, float, str, str | None], SlaCommitment] = {}
    for item in items:
        key = (item.metric.value, item.target, item.unit, item.severity)
        if key not in kept or (kept[key].window is None and item.window is not None):
            kept[key] = item
    return list(kept.values())
