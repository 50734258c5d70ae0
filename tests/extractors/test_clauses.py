"""Clause segmentation and typing on short contract texts written for the tests."""

from __future__ import annotations

import time

import pytest

from extractors.clauses import MAX_CLAUSE_CHARS, classify_clause, segment_clauses
from extractors.document import ContractText
from schemas import Clause, ClauseType

PREAMBLE = (
    "MASTER SERVICES AGREEMENT\n"
    'This Master Services Agreement is made on March 1, 2024 between Acme Inc. ("Customer") and\n'
    'Beta LLC ("Provider").\n'
    "WHEREAS, Customer wishes to buy services; and\n"
    "NOW, THEREFORE, the parties agree as follows:\n"
)


def clauses_of(*pages: str) -> tuple[ContractText, list[Clause]]:
    text = ContractText.from_pages("t.pdf", list(pages))
    return text, segment_clauses(text)


def headings(*pages: str) -> list[str | None]:
    return [c.heading for c in clauses_of(*pages)[1]]


def assert_covers(text: ContractText, clauses: list[Clause]) -> None:
    """Clauses run in order, quote the text exactly and leave only white space uncovered."""
    position = 0
    for clause in clauses:
        assert text.text[position:clause.start].strip() == ""
        assert text.text[clause.start:clause.end] == clause.text
        position = clause.end
    assert text.text[position:].strip() == ""


def test_numbered_sections_with_preamble() -> None:
    body = (PREAMBLE
            + "1. Definitions\n\"Services\" means the services in a SOW.\n"
            + "2. Term and Renewal\nThis Agreement runs for three (3) years and renews "
              "automatically for successive one-year terms.\n"
            + "3. Fees\nCustomer shall pay each invoice within thirty (30) days.\n"
            + "4. Governing Law\nThis Agreement is governed by the laws of the State of "
              "New York.\n")
    text, clauses = clauses_of(body)
    assert [(c.heading, c.type.value) for c in clauses] == [
        (None, "other"), ("1. Definitions", "other"), ("2. Term and Renewal", "term_renewal"),
        ("3. Fees", "payment"), ("4. Governing Law", "governing_law")]
    assert_covers(text, clauses)
    assert clauses[0].start == 0 and clauses[0].page == 1


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("12.1 Term. This Agreement starts on the Effective Date.", "12.1 Term."),
        ("Section 12. Term", "Section 12. Term"),
        ("SECTION 4.0 TERM", "SECTION 4.0 TERM"),
        ("1.Subject and Scope of Agreement", "1. Subject and Scope of Agreement"),
        ("ARTICLE IV - TERM AND TERMINATION", "ARTICLE IV - TERM AND TERMINATION"),
        ("EXHIBIT B - SERVICE LEVEL AGREEMENT", "EXHIBIT B - SERVICE LEVEL AGREEMENT"),
        ("Schedule 1", "Schedule 1"),
        ("LIMITATION OF LIABILITY", "LIMITATION OF LIABILITY"),
    ],
)
def test_heading_styles(line: str, heading: str) -> None:
    found = headings(PREAMBLE + line + "\nThe parties agree on this clause as written here.\n")
    assert found == [None, heading]


@pytest.mark.parametrize(
    "body",
    [
        "(a) the Customer shall provide access;\n(b) the Provider shall perform the work;\n"
        "(i) within thirty days.\n",
        "the fees set out in Section\n12.3 hereof are payable monthly.\n",
        "Severity Response Resolution\n1 15 minutes 1 hour\n2 30 minutes 2 hours\n",
        "The total price is\n$5,000 payable on signature.\n",
        "The term starts on\n1 January 2025 and runs for one year.\n",
        "Continued on the next page\n12\n",
        "9.3 Service Level Reviews .......... 32\n9.4 Audit Rights 33\n",
        "EXCEPT AS STATED ABOVE, THE PROVIDER MAKES NO WARRANTY.\nIN NO EVENT SHALL\n"
        "EITHER PARTY BE LIABLE FOR LOST PROFITS.\n",
    ],
)
def test_not_headings(body: str) -> None:
    assert headings(PREAMBLE + "1. Services\nProvider shall provide the services.\n" + body) == [
        None, "1. Services"]


def test_page_numbers_and_running_headers_are_not_headings() -> None:
    pages = [f"Acme MSA No. 2024-7 - Confidential\nARTICLE {n}\nTOPIC {n}\nText of article {n}.\n"
             f"- {n} -\nPage {n} of 4" for n in range(1, 5)]
    pages[0] = PREAMBLE + pages[0]
    text, clauses = clauses_of(*pages)
    assert [c.heading for c in clauses] == [None] + [f"ARTICLE {n} TOPIC {n}" for n in range(1, 5)]
    assert_covers(text, clauses)


def test_regression_page_number_between_sections_does_not_hide_the_next_heading() -> None:
    """A "-16-" page number line between two sections once swallowed "14. Limitation of
    Liability" into the indemnity section before it."""
    body = (PREAMBLE + "13. Indemnification.\nEach party shall indemnify the other.\n -16-\n"
            "14. Limitation of Liability. In no event shall either party be liable for lost "
            "profits.\n")
    assert [(c.heading, c.type.value) for c in clauses_of(body)[1]] == [
        (None, "other"), ("13. Indemnification.", "indemnity"),
        ("14. Limitation of Liability.", "liability_cap")]


def test_regression_caps_heading_before_a_lowercase_company_name() -> None:
    """"LIMITATION OF LIABILITY" followed by "i-on's liability ..." was read as a wrapped
    ALL-CAPS sentence."""
    body = PREAMBLE + "TERM\nOne year.\nLIMITATION OF LIABILITY\ni-on's liability is limited.\n"
    assert headings(body) == [None, "TERM", "LIMITATION OF LIABILITY"]


def test_article_title_on_the_next_line_and_exhibit_numbering_restart() -> None:
    body = (PREAMBLE + "ARTICLE 1\nDEFINITIONS\nWords have their defined meanings.\n"
            "ARTICLE 2\nTERM\nThis Agreement lasts two years.\n"
            "EXHIBIT A - FEES\n1. Monthly Fees\nThe monthly fee is $1,000.\n")
    assert headings(body) == [None, "ARTICLE 1 DEFINITIONS", "ARTICLE 2 TERM", "EXHIBIT A - FEES"]


def test_long_section_is_split_at_its_subsections() -> None:
    filler = "The Provider shall perform the services diligently and report on them. " * 25
    body = (PREAMBLE + "5. Services\n" + "".join(f"5.{n} Part {n}. {filler}\n" for n in range(1, 5))
            + "6. Notices\nNotices must be in writing.\n")
    text, clauses = clauses_of(body)
    assert len(text.text) > MAX_CLAUSE_CHARS
    assert [c.heading for c in clauses] == [
        None, "5. Services", "5.2 Part 2.", "5.3 Part 3.", "5.4 Part 4.", "6. Notices"]
    assert clauses[1].text.startswith("5. Services\n5.1 Part 1.")
    assert_covers(text, clauses)


def test_section_of_several_topics_is_split() -> None:
    body = (PREAMBLE + "7. Term and Termination\n7.1 Term. This Agreement renews automatically "
            "for successive one-year terms.\n7.2 Termination. Either party may terminate for "
            "material breach not cured within thirty (30) days.\n8. Notices\nIn writing.\n")
    assert [(c.heading, c.type.value) for c in clauses_of(body)[1]] == [
        (None, "other"), ("7. Term and Termination", "term_renewal"),
        ("7.2 Termination.", "termination"), ("8. Notices", "other")]


def test_general_provisions_are_split_and_typed_by_subsection() -> None:
    body = (PREAMBLE + "12. General\n12.1 Assignment. Neither party may assign this Agreement.\n"
            "12.2 Governing Law. This Agreement is governed by the laws of England.\n")
    assert [c.type.value for c in clauses_of(body)[1]] == ["other", "assignment", "governing_law"]


@pytest.mark.parametrize(
    ("heading", "body", "expected"),
    [
        ("Limitation of Liability", "In no event shall either party be liable.",
         ClauseType.liability_cap),
        ("Term and Termination", "This Agreement renews automatically for one-year terms.",
         ClauseType.term_renewal),
        ("Term and Termination", "Either party may terminate on notice.", ClauseType.termination),
        ("Disclaimer; Limitation of Liability",
         "No warranty. Total liability shall not exceed fees.", ClauseType.liability_cap),
        ("Service Level Credits", "Customer receives a service credit of 5%.", ClauseType.penalty),
        ("7. Service Levels", "Provider shall meet the availability target.", ClauseType.sla),
        ("Records and Audit", "Supplier shall keep records.", ClauseType.audit),
        ("Insurance", "Supplier shall maintain insurance.", ClauseType.insurance),
        ("Entire Agreement; Governing Law", "This Agreement is governed by Texas law.",
         ClauseType.governing_law),
        ("Notices", "Notices are governed by the laws of the State of New York.", ClauseType.other),
        ("Hosting Services", "This SOW is governed by this Agreement.", ClauseType.other),
        (None, "This Agreement shall be governed by and construed in accordance with the laws of "
         "the State of New York, excluding its conflict of laws rules.", ClauseType.governing_law),
        ("12.6", "The laws of California shall govern this Agreement; the courts of San Mateo have "
         "exclusive jurisdiction.", ClauseType.governing_law),
    ],
)
def test_classify_clause(heading: str | None, body: str, expected: ClauseType) -> None:
    assert classify_clause(heading, body) is expected


def test_a_hundred_page_contract_is_fast() -> None:
    section = ("{n}. SECTION {n}\n{n}.1 Scope. The Provider shall perform the services in a "
               "professional manner and in accordance with the statement of work.\n"
               "(a) the first obligation;\n(b) the second obligation.\n")
    pages = [PREAMBLE] + ["\n".join(section.format(n=n) for n in range(p * 6 + 1, p * 6 + 7)) * 4
                          for p in range(100)]
    text = ContractText.from_pages("t.pdf", pages)
    started = time.perf_counter()
    clauses = segment_clauses(text)
    assert time.perf_counter() - started < 0.5
    assert_covers(text, clauses)
