"""SLA commitments on sentence and table-row variants (paraphrases written for the tests)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.nlp import parse
from extractors.sla import find_sla_commitments, severity_label, time_limits
from schemas import SlaCommitment


def doc_of(*pages: str) -> tuple[ContractText, Doc]:
    text = ContractText.from_pages("t.pdf", list(pages))
    return text, parse(text.text)


def commitments(*pages: str) -> list[SlaCommitment]:
    return find_sla_commitments(*doc_of(*pages))


def as_tuples(items: list[SlaCommitment]) -> list[tuple[str, float, str, str | None]]:
    return [(i.metric.value, i.target, i.unit, i.severity) for i in items]


@pytest.mark.parametrize(
    ("sentence", "target", "window"),
    [
        ("The Provider shall keep the Platform available 99.9% of the time in each calendar "
         "month.", 99.9, "month"),
        ("Vendor commits to a Monthly Uptime Percentage of at least 99.95% for the Hosted "
         "Environment.", 99.95, "month"),
        ("The Service will be available 99.5% of the time, measured quarterly, excluding "
         "scheduled maintenance.", 99.5, "quarter"),
        ("Uptime shall be no less than ninety-nine point nine percent (99.9%) in any calendar "
         "year.", 99.9, "year"),
        ("Supplier guarantees network availability of 99.99%.", 99.99, None),
        ("At a minimum, the portal shall have availability of at least ninety-nine and one-half "
         "percent (99.5%) per month, averaged over the month.", 99.5, "month"),
    ],
)
def test_availability_target(sentence: str, target: float, window: str | None) -> None:
    items = commitments(sentence)
    assert [(i.metric.value, i.target, i.unit, i.window) for i in items] == [
        ("availability", target, "percent", window)]
    assert items[0].evidence is not None
    assert str(target).rstrip("0").rstrip(".") in items[0].evidence.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Customer shall pay 95% of the license fees upon signature of this Agreement.",
        "Holdings owns 99.5% of the outstanding voting interests of the Operator.",
        "Overdue amounts bear interest at 1.5% per month until paid.",
        "If availability falls below 99.5% in three consecutive months, Customer may terminate.",
        "Customer will receive a credit of 10% of the monthly fees when uptime is below 99.9%.",
        "The Distributor shall purchase at least 90% of its requirements of the Products "
        "from the Company.",
    ],
)
def test_percentages_that_are_not_availability_targets(sentence: str) -> None:
    assert commitments(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Severity 1: response within one (1) hour; resolution within four (4) hours.",
         [("response_time", 1, "hours", "Severity 1"),
          ("resolution_time", 4, "hours", "Severity 1")]),
        ("For Priority 2 incidents the Supplier shall respond within 4 business hours.",
         [("response_time", 4, "business_hours", "Priority 2")]),
        ("P1 tickets are acknowledged within 15 minutes and service is restored within 2 hours.",
         [("response_time", 15, "minutes", "P1"), ("resolution_time", 2, "hours", "P1")]),
        ("The Vendor will respond to each Severity Two error within eight (8) hours and resolve it "
         "within three (3) Business Days.",
         [("response_time", 8, "hours", "Severity 2"),
          ("resolution_time", 3, "business_days", "Severity 2")]),
        ("PRIORITY 1: Response in under fifteen (15) minutes when the application is down. "
         "PRIORITY 2: Response in under one (1) hour for a major function failure.",
         [("response_time", 15, "minutes", "Priority 1"),
          ("response_time", 1, "hours", "Priority 2")]),
        ("The technician will provide on-call service with a guaranteed response time of 3 hours "
         "for reported hardware problems.",
         [("response_time", 3, "hours", None)]),
    ],
)
def test_response_and_resolution_times_in_prose(sentence: str, expected: list[tuple]) -> None:
    assert as_tuples(commitments(sentence)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The parties shall attempt in good faith to resolve any dispute within thirty (30) days.",
        "Invoices are payable within 30 days of receipt.",
        "Telephone support is available 24 hours a day, 7 days a week for Severity 1 issues.",
        "Licensee shall respond to the audit report within ten (10) days after receipt.",
        '"Downtime" means the Service does not respond to monitoring probes for five (5) '
        "consecutive minutes, as recorded in the incident log.",
        "Provider shall resolve the problem and submit a written report to Customer within five "
        "(5) business days after each Priority 1 incident.",
    ],
)
def test_times_that_are_not_sla_targets(sentence: str) -> None:
    assert commitments(sentence) == []


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("Severity Response Time Resolution Time\n"
         "Severity 1 1 hour 4 hours\n"
         "Severity 2 4 hours 2 Business Days\n"
         "Severity 3 1 Business Day 10 Business Days",
         [("response_time", 1, "hours", "Severity 1"),
          ("resolution_time", 4, "hours", "Severity 1"),
          ("response_time", 4, "hours", "Severity 2"),
          ("resolution_time", 2, "business_days", "Severity 2"),
          ("response_time", 1, "business_days", "Severity 3"),
          ("resolution_time", 10, "business_days", "Severity 3")]),
        ("Priority Description Target Response Coverage\n"
         "P1 Production outage, no workaround 30 minutes 24x7x365\n"
         "P2 Major function degraded 2 hours 24x7x365\n"
         "P3 Question or minor defect 8 Business Hours Business Hours",
         [("response_time", 30, "minutes", "P1"), ("response_time", 2, "hours", "P2"),
          ("response_time", 8, "business_hours", "P3")]),
        ("Severity\nLevel Time to Respond Escalation Time Comments\n"
         "1 15 minutes 1 hour\n2 30 minutes 2 hours\n4 8 hours Next business day",
         [("response_time", 15, "minutes", "Severity 1"),
          ("response_time", 30, "minutes", "Severity 2"),
          ("response_time", 8, "hours", "Severity 4")]),
        ("ERROR PRIORITY (1) RESPONSE (2) CLOSURE (3)\n"
         "Emergency (A) 24 hours 7 days\nCritical (B) 2 days 14 days",
         [("response_time", 24, "hours", "Emergency"), ("resolution_time", 7, "days", "Emergency"),
          ("response_time", 2, "days", "Critical"), ("resolution_time", 14, "days", "Critical")]),
    ],
)
def test_severity_tables(table: str, expected: list[tuple]) -> None:
    intro = "Vendor shall meet the following support targets, measured from the report:\n"
    items = commitments(intro + table + "\nTimes run from the report of the Error.")
    assert as_tuples(items) == expected
    assert all(i.evidence is not None and "\n" not in i.evidence.text for i in items)


def test_table_row_evidence_is_the_row_on_its_page() -> None:
    items = commitments("1. Support\nThe vendor provides support.",
                        "Severity Response Resolution\nSeverity 1 2 hours 8 hours")
    assert [(i.evidence.page, i.evidence.text) for i in items if i.evidence] == [
        (2, "Severity 1 2 hours 8 hours"), (2, "Severity 1 2 hours 8 hours")]


def test_identical_commitments_are_reported_once() -> None:
    body = "5.1 Availability. Provider shall make the Services available 99.9% of each month."
    exhibit = ("EXHIBIT B - SERVICE LEVELS\n1. Provider shall make the Services Available at least "
               "99.9% of the time, measured monthly.")
    items = commitments(body, exhibit)
    assert as_tuples(items) == [("availability", 99.9, "percent", None)]
    assert items[0].window == "month" and items[0].evidence and items[0].evidence.page == 1


@pytest.mark.parametrize(
    ("text", "label"),
    [("Severity One", "Severity 1"), ("SEVERITY LEVEL 2", "Severity 2"), ("Sev-3", "Severity 3"),
     ("PRIORITY 1", "Priority 1"), ("p2", "P2"), ("Priority IV", "Priority 4"), ("no label", None)],
)
def test_severity_label(text: str, label: str | None) -> None:
    assert severity_label(text) == label


@pytest.mark.parametrize(
    ("text", "target", "unit"),
    [("four (4) hours", 4, "hours"), ("15 minutes", 15, "minutes"),
     ("2 Business Days", 2, "business_days"), ("one hour", 1, "hours"),
     ("next business day", 1, "business_days"),
     ("8 business hours", 8, "business_hours"), ("thirty (30) calendar days", 30, "days")],
)
def test_time_limits(text: str, target: float, unit: str) -> None:
    assert [(t.target, t.unit) for t in time_limits(text)] == [(target, unit)]


def test_round_the_clock_is_not_a_time_limit() -> None:
    assert list(time_limits("twenty-four (24) hours a day, seven (7) days a week")) == []
