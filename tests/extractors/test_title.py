"""Agreement titles as first pages write them."""

from __future__ import annotations

import pytest

from extractors.document import ContractText
from extractors.title import MAX_TITLE_CHARS, find_title


def title_of(*pages: str) -> str | None:
    return find_title(ContractText.from_pages("t.pdf", list(pages)))[0]


SEC_LEGEND = ("CERTAIN CONFIDENTIAL PORTIONS OF THIS EXHIBIT WERE OMITTED AND REPLACED WITH "
              '"[***]". A COMPLETE VERSION HAS BEEN FILED WITH THE SECURITIES AND EXCHANGE '
              "COMMISSION.")


@pytest.mark.parametrize(
    ("first_page", "expected"),
    [
        pytest.param("Exhibit 10.11\nCONFIDENTIAL\nMASTER SERVICES AGREEMENT\nThis Master Services "
                     'Agreement (the "Agreement") is made as of May 1, 2022.',
                     "Master Services Agreement", id="exhibit-label-and-confidential"),
        pytest.param("SERVICE AGREEMENT\nTHIS AGREEMENT is made on 1 October 2019",
                     "Service Agreement", id="all-capitals-title-cased"),
        pytest.param("EXCLUSIVE LICENSE AND PRODUCT DEVELOPMENT AGREEMENT\nTHIS AGREEMENT is made",
                     "Exclusive License and Product Development Agreement", id="small-words"),
        pytest.param("MULTIPLE LINAC AND MULTI-MODALITY\nDISTRIBUTOR AGREEMENT\nThis Multiple "
                     'LINAC and Multi-Modality Distributor Agreement ("Agreement") is entered into',
                     "Multiple LINAC and Multi-Modality Distributor Agreement",
                     id="broken-heading-spelled-as-the-preamble-does"),
        pytest.param("AMENDMENT NO. 1\nTO LICENSE AGREEMENT\nThis Amendment No. 1 is made",
                     "Amendment No. 1 to License Agreement", id="amendment-over-two-lines"),
        pytest.param(f"Exhibit 10.1\n{SEC_LEGEND}\nExecution Version\nMarch 3, 2021\n"
                     "SUPPLY AGREEMENT\nby and between\nACME CORP.\nand\nBETA LLC",
                     "Supply Agreement", id="filing-legend-execution-version-and-date"),
        pytest.param("THE SYMBOL **** DENOTES PLACES WHERE PORTIONS OF THIS DOCUMENT HAVE BEEN\n"
                     "OMITTED. SUCH MATERIAL WILL BE FILED SEPARATELY WITH THE SECURITIES AND\n"
                     "EXCHANGE\nCOMMISSION.\nPRODUCT MANUFACTURING AGREEMENT\nThis Product "
                     'Manufacturing Agreement ("Agreement") is made',
                     "Product Manufacturing Agreement", id="legend-tail-is-not-joined"),
        pytest.param("SaaS Subscription Agreement Agreement No. LW-2024-0042\nSaaS Subscription "
                     "Agreement\nThis SaaS Subscription Agreement is dated as of January 15, 2024",
                     "SaaS Subscription Agreement", id="running-header-with-reference-number"),
        pytest.param("BROKER DEALER\nMARKETING AND SERVICING AGREEMENT\nFOR VARIABLE ANNUITY "
                     "CONTRACTS\nThis Agreement is effective",
                     "Broker Dealer Marketing and Servicing Agreement for Variable Annuity "
                     "Contracts",
                     id="heading-over-three-lines"),
        pytest.param("ACME HOLDINGS, INC.\nRESELLER AGREEMENT\nTHIS RESELLER AGREEMENT is made",
                     "Reseller Agreement", id="company-name-above-is-not-joined"),
        pytest.param("Page 1 of 12\nIT OUTSOURCING AGREEMENT\nTHIS AGREEMENT is dated 24 March "
                     "2023.",
                     "IT Outsourcing Agreement", id="page-number-and-short-acronym"),
        pytest.param('This Consulting Agreement (the "Agreement") is entered into as of the 1st '
                     "day of February, 2020 by and between Acme Ltd. and Jane Roe.",
                     "Consulting Agreement", id="no-heading-preamble-names-it"),
    ],
)
def test_title(first_page: str, expected: str) -> None:
    assert title_of(first_page) == expected


def test_no_title_when_nothing_names_an_agreement() -> None:
    assert find_title(ContractText.from_pages("t.pdf", ["Minutes of the board meeting"])) == (
        None, None)


def test_a_sentence_that_mentions_an_agreement_is_not_a_title() -> None:
    page = ("Exhibit 99.1\nThe undersigned acknowledge that the statement is filed on behalf of "
            "each of them under the Joint Filing Agreement.\nDated: April 8, 2020")
    assert title_of(page) is None


def test_evidence_points_at_the_heading_lines() -> None:
    text = ContractText.from_pages("t.pdf", ["Exhibit 4\nAMENDMENT NO. 2\nTO SUPPLY AGREEMENT\n"
                                             "This Amendment is made"])
    title, evidence = find_title(text)
    assert title == "Amendment No. 2 to Supply Agreement"
    assert evidence is not None
    assert (evidence.page, evidence.text) == (1, "AMENDMENT NO. 2 TO SUPPLY AGREEMENT")
    assert text.text[evidence.start : evidence.end] == "AMENDMENT NO. 2\nTO SUPPLY AGREEMENT"


def test_long_titles_are_capped_at_a_word_boundary() -> None:
    page = ("AMENDED AND RESTATED MASTER INTELLECTUAL PROPERTY LICENSE, TECHNOLOGY TRANSFER AND\n"
            "COMMERCIAL SUPPLY AGREEMENT\n"
            "FOR RADIOPHARMACEUTICAL DIAGNOSTIC IMAGING AGENTS IN NORTH AMERICA\n"
            "This Agreement is made")
    title = title_of(page)
    assert title is not None
    assert len(title) <= MAX_TITLE_CHARS
    assert title.startswith("Amended and Restated Master Intellectual Property License")
    assert title.split()[-1].lower() not in {"and", "for", "of", "to"}
