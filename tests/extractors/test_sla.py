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
         [("response_time", 15, "minutes", "Severity 1"), ("other", 1, "hours", "Severity 1"),
          ("response_time", 30, "minutes", "Severity 2"), ("other", 2, "hours", "Severity 2"),
          ("response_time", 8, "hours", "Severity 4"),
          ("other", 1, "business_days", "Severity 4")]),
        ("ERROR PRIORITY (1) RESPONSE (2) CLOSURE (3)\n"
         "Emergency (A) 24 hours 7 days\nCritical (B) 2 days 14 days",
         [("response_time", 24, "hours", "Priority A (Emergency)"),
          ("resolution_time", 7, "days", "Priority A (Emergency)"),
          ("response_time", 2, "days", "Priority B (Critical)"),
          ("resolution_time", 14, "days", "Priority B (Critical)")]),
        ("Priority Response Time Restore Time\n"
         "Urgent (Severity 1) 30 minutes 4 hours\nHigh (Severity 2) 2 hours 1 Business Day",
         [("response_time", 30, "minutes", "Severity 1 (Urgent)"),
          ("resolution_time", 4, "hours", "Severity 1 (Urgent)"),
          ("response_time", 2, "hours", "Severity 2 (High)"),
          ("resolution_time", 1, "business_days", "Severity 2 (High)")]),
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


# -- regressions from labelled contracts (paraphrased) --------------------------------

@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("PRIORITY 3: Response in under four (4) hours during normal support desk hours for a "
         "minor function failure.", [("response_time", 4, "business_hours", "Priority 3")]),
        ("Severity 2 calls are responded to within two (2) hours during office hours.",
         [("response_time", 2, "business_hours", "Severity 2")]),
        ("PRIORITY 1: Response in under fifteen (15) minutes during business hours when the system "
         "is down.", [("response_time", 15, "minutes", "Priority 1")]),
    ],
)
def test_hours_counted_during_support_desk_hours_are_business_hours(
        sentence: str, expected: list[tuple]) -> None:
    assert as_tuples(commitments(sentence)) == expected


@pytest.mark.parametrize(
    ("text", "target", "unit"),
    [("by the end of the following Support Day", 1, "business_days"),
     ("by the end of the business day immediately following", 1, "business_days"),
     ("within five Support Days", 5, "business_days"),
     ("within one (1) hour during technical support desk hours", 1, "business_hours"),
     ("within 2 hours (during normal working hours)", 2, "business_hours"),
     ("within 4 hours during the day", 4, "hours")],
)
def test_support_day_wording(text: str, target: float, unit: str) -> None:
    assert [(t.target, t.unit) for t in time_limits(text)] == [(target, unit)]


def test_in_hours_and_after_hours_tables_keep_their_own_items() -> None:
    text = ("Helpdesk targets\n1(a) During Business Hours (Mon-Fri 8.00 to 17.00)\nSeverity\n"
            "Level Time to Respond Escalation Time Notes\n1 10 minutes 1 hour\n"
            "2 Next business day Next business day\n"
            "1(b) Outside Business Hours\nSeverity\nLevel Time to Respond Escalation Time Notes\n"
            "1 1 hour 2 hours\n2 Next business day Next business day\nEnd of schedule.")
    assert as_tuples(commitments(text)) == [
        ("response_time", 10, "minutes", "Severity 1 (business hours)"),
        ("other", 1, "hours", "Severity 1 (business hours)"),
        ("response_time", 1, "business_days", "Severity 2 (business hours)"),
        ("other", 1, "business_days", "Severity 2 (business hours)"),
        ("response_time", 1, "hours", "Severity 1 (after business hours)"),
        ("other", 2, "hours", "Severity 1 (after business hours)"),
        ("response_time", 1, "business_days", "Severity 2 (after business hours)"),
        ("other", 1, "business_days", "Severity 2 (after business hours)"),
    ]


def test_row_table_goes_on_after_a_page_footer() -> None:
    text = ("Defects are corrected on this schedule; days are calendar days.\n"
            "DEFECT PRIORITY RESPONSE FIX\nUrgent (A) 12 hours 5 days\n"
            "Acme Software Licence Agreement\nMarch 3, 2001 CONFIDENTIAL\n 9\n"
            "Routine (B) 10 days Next Release\n (1) Priority: see definitions.")
    assert as_tuples(commitments(text)) == [
        ("response_time", 12, "hours", "Priority A (Urgent)"),
        ("resolution_time", 5, "days", "Priority A (Urgent)"),
        ("response_time", 10, "days", "Priority B (Routine)"),
    ]


def test_cell_per_line_table_with_office_hours_note() -> None:
    text = ("The support centre aims to meet these times in most cases;\nPriority\nVery High (1)\n"
            "High (2)\nLow (3)\nFirst Reaction Time\n(FRT)\n15 minutes\n1 hour\n6 hours\n"
            "Target Resolution Time\n(TRT)\n1 day\n2 days\n1 0 days\n"
            "Priority 1: d, h, min = days, hours, minutes in actual time\n"
            "Priority 2, 3: d, h, min = days, hours, minutes during office hours\n")
    assert as_tuples(commitments(text)) == [
        ("response_time", 15, "minutes", "Priority 1 (Very High)"),
        ("response_time", 1, "business_hours", "Priority 2 (High)"),
        ("response_time", 6, "business_hours", "Priority 3 (Low)"),
        ("resolution_time", 1, "days", "Priority 1 (Very High)"),
        ("resolution_time", 2, "business_days", "Priority 2 (High)"),
        ("resolution_time", 10, "business_days", "Priority 3 (Low)"),
    ]


INTERLEAVED = (
    "                          Schedule 2\n"
    "PRIORITY        RESPONSE AND REPORTING                       RESOLUTION\n"
    " CODE\n"
    "\n"
    "   1            -   First reply within 20 minutes            -   Continuous work to\n"
    "                    of the report if made in Support             restore service.\n"
    "                    Hours.                                   -   If no fix is provided\n"
    "                -   First reply within one hour                  within 12 hours, give\n"
    "                    if reported outside Support                  Client a recovery plan.\n"
    "                    Hours, or within 20 minutes of           -   Deliver a permanent fix\n"
    "                    the next Support Hour.                       within 48 hours.\n"
    "                -   Status reports every 4 hours.\n"
    "                                      17\n"
    "PRIORITY        RESPONSE AND REPORTING                       RESOLUTION\n"
    " CODE\n"
    "   2            -   First reply by the end of the            -   Reasonable efforts to\n"
    "                    following Support Day.                       supply a fix within\n"
    "                -   Diagnosis starts within two                  ten Support Days.\n"
    "                    Support Days.\n"
    "For this Schedule, a reply means a call from a qualified engineer.\n"
)


def test_two_column_table_interleaved_line_by_line() -> None:
    items = commitments(INTERLEAVED)
    assert as_tuples(items) == [
        ("response_time", 20, "minutes", "Priority 1"),
        ("response_time", 1, "hours", "Priority 1"),
        ("resolution_time", 48, "hours", "Priority 1"),
        ("response_time", 1, "business_days", "Priority 2"),
        ("resolution_time", 10, "business_days", "Priority 2"),
    ]
    assert items[0].evidence is not None and items[0].evidence.text == (
        "First reply within 20 minutes")


@pytest.mark.parametrize(
    "table",
    [
        # columns set apart by wide gaps, a description cell wrapping onto a second line
        "Severity        Description                  Response          Resolution\n"
        "Severity 1      Production down                1 hour            4 hours\n"
        "Severity 2      Key function impaired,     Next business day   5 business days\n"
        "                workaround exists\n",
        # wide gaps in the header that the rows do not line up with
        "Severity Level   Response   Resolution\n"
        "Severity 1   1 hour   4 hours\n"
        "Severity 2   Next business day   5 business days\n",
    ],
)
def test_spaced_out_tables_are_read_row_by_row(table: str) -> None:
    assert as_tuples(commitments("Targets:\n" + table + "\nAll times run from the ticket.")) == [
        ("response_time", 1, "hours", "Severity 1"), ("resolution_time", 4, "hours", "Severity 1"),
        ("response_time", 1, "business_days", "Severity 2"),
        ("resolution_time", 5, "business_days", "Severity 2")]


@pytest.mark.parametrize(
    ("note", "unit"),
    [("All times are measured in business hours.", "business_hours"),
     ("The support desk is staffed during business hours.", "hours")],
)
def test_a_note_below_a_table_makes_its_times_business_time_only_when_it_says_so(
        note: str, unit: str) -> None:
    table = "Severity Response Resolution\nSeverity 1 1 hour 4 hours\n"
    assert {i.unit for i in commitments(table + note)} == {unit}
