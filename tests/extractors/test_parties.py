"""Contracting parties as preambles, cover pages, labels and signature blocks name them."""

from __future__ import annotations

import json

import pytest

from extractors.document import ContractText
from extractors.nlp import parse
from extractors.parties import find_parties
from extractors.pdf import read_contract_text
from schemas import Party
from tests.conftest import CUAD_DEV


def parties_in(*pages: str) -> list[Party]:
    text = ContractText.from_pages("t.pdf", list(pages))
    return find_parties(text, parse(text.text))


def summary(parties: list[Party]) -> list[tuple[str, str | None, list[str]]]:
    return [(p.name, p.role, p.aliases) for p in parties]


PREAMBLES = [
    pytest.param(
        'This Master Services Agreement (the "Agreement") is entered into as of March 1, 2024 '
        "by and between Acme Holdings, Inc., a Delaware corporation (\"Customer\"), and Northwind "
        'Cloud Services LLC, a Washington limited liability company ("Provider").',
        [("Acme Holdings, Inc.", "Customer", []), ("Northwind Cloud Services LLC", "Provider", [])],
        id="by-and-between-role-aliases",
    ),
    pytest.param(
        "This License Agreement is made on 5 May 2023 between Orion Analytics GmbH, with its "
        'registered seat in Munich, Germany (hereinafter "Orion" or the "Licensor") and Bluebird\n'
        'Media S.A., a company organised under the laws of France (hereinafter "Bluebird" or the '
        '"Licensee").',
        [("Orion Analytics GmbH", "Licensor", ["Orion"]),
         ("Bluebird Media S.A.", "Licensee", ["Bluebird"])],
        id="hereinafter-name-and-role",
    ),
    pytest.param(
        "THIS CONSULTING AGREEMENT is dated 2 January 2022 between KESTREL MINING CORP., a company "
        'incorporated under the laws of British Columbia (the "Company"), and Jane Q. Whitfield, '
        'an individual residing in Vancouver (the "Consultant").',
        [("KESTREL MINING CORP.", "Company", []), ("Jane Q. Whitfield", "Consultant", [])],
        id="all-caps-company-and-individual",
    ),
    pytest.param(
        "THIS AGREEMENT is made on 1 June 2021\nBETWEEN:\n(1) HARBOUR LIGHT LIMITED, a company "
        "registered in England and Wales with number 01234567 whose registered office is at 1 "
        'Quay Street, Bristol (the "Employer"); and\n(2) NIGEL ASHWORTH of 14 Elm Road, Bath (the '
        '"Employee").\nIT IS AGREED as follows:',
        [("HARBOUR LIGHT LIMITED", "Employer", []), ("NIGEL ASHWORTH", "Employee", [])],
        id="between-numbered-list",
    ),
    pytest.param(
        "THIS AGREEMENT is dated 3 March 2023.\nPARTIES\n(1) Fernbrook Holdings Ltd., a company "
        'incorporated in Scotland ("Fernbrook" or the "Customer"); and\n(2) Altamira Systems '
        'Corporation, a Texas corporation ("Altamira" or the "Supplier").\nRECITALS',
        [("Fernbrook Holdings Ltd.", "Customer", ["Fernbrook"]),
         ("Altamira Systems Corporation", "Supplier", ["Altamira"])],
        id="parties-heading",
    ),
    pytest.param(
        "This Web Hosting Agreement is made between Pinecrest Software Inc. and Lakeside Retail "
        "LLC.\n1. Services.",
        [("Pinecrest Software Inc.", None, []), ("Lakeside Retail LLC", None, [])],
        id="between-x-and-y-no-aliases",
    ),
    pytest.param(
        "This Supply Agreement is entered into by Redwood Labs, Inc. and Summit Biotech Corp. "
        '(each a "Party" and together the "Parties").',
        [("Redwood Labs, Inc.", None, []), ("Summit Biotech Corp.", None, [])],
        id="each-a-party",
    ),
    pytest.param(
        'This Escrow Agreement is entered into by and among Alpha Holdings LLC ("Alpha"), Beta '
        'Capital L.P. ("Beta") and Gamma Trust Company Ltd., as escrow agent (the "Escrow '
        'Agent").',
        [("Alpha Holdings LLC", None, ["Alpha"]), ("Beta Capital L.P.", None, ["Beta"]),
         ("Gamma Trust Company Ltd.", "Escrow Agent", [])],
        id="among-three",
    ),
    pytest.param(
        "This Hosting Agreement dated as of August 9, 1999 is made between Hanover Parts, Inc. "
        '("HPI"), a New Jersey corporation located at 100 Main Street, Newark, NJ 07102, and The '
        'Deerfield Group, Inc. (the "Company"), a Nevada corporation.',
        [("Hanover Parts, Inc.", None, ["HPI"]), ("The Deerfield Group, Inc.", "Company", [])],
        id="alias-before-description",
    ),
    pytest.param(
        "This Content License Agreement is between Global Music Partners, Inc. d/b/a Soundwave "
        'Network ("Soundwave") and Riverside Radio Co. ("Distributor").',
        [("Global Music Partners, Inc. d/b/a Soundwave Network", None, ["Soundwave"]),
         ("Riverside Radio Co.", "Distributor", [])],
        id="doing-business-as",
    ),
    pytest.param(
        "Dear Mr. Rotino:\nOrbit Therapeutics, Inc., a Delaware corporation (the \"Company\"), is "
        'pleased to retain Gianni Rotino ("Consultant") on the following terms:',
        [("Orbit Therapeutics, Inc.", "Company", []), ("Gianni Rotino", "Consultant", [])],
        id="letter-agreement",
    ),
    pytest.param(
        "This Website Agreement is entered into on May 2, 2018 by and between Natalie Tan, "
        'director of Cookwise Ltd. (hereinafter referred to as "Client") and Harbor Web Studio, '
        'PLC (hereinafter referred to as "Company").',
        [("Cookwise Ltd.", "Client", []), ("Harbor Web Studio, PLC", "Company", [])],
        id="signatory-on-behalf-of-company",
    ),
    pytest.param(
        "This Distribution Agreement is made by and between Columbia Laboratories (Bermuda) Ltd. "
        '("Columbia") and Oaktree Capital Management (International) Limited ("Oaktree").',
        [("Columbia Laboratories (Bermuda) Ltd.", None, ["Columbia"]),
         ("Oaktree Capital Management (International) Limited", None, ["Oaktree"])],
        id="bracketed-part-of-name",
    ),
    pytest.param(
        'This Reseller Agreement is made by and between i3 Creative Labs, LLC ("i3"), and '
        'eMarket Direct, Inc. ("Reseller").',
        [("i3 Creative Labs, LLC", None, ["i3"]), ("eMarket Direct, Inc.", "Reseller", [])],
        id="lower-case-brand-names",
    ),
    pytest.param(
        "This Supply Agreement is entered into by and between Coho Winery, S.A. de C.V., a Mexican "
        'company ("Coho") and Adventure Works Cycles Pty Ltd ACN 123 456 789 ("Adventure Works").',
        [("Coho Winery, S.A. de C.V.", None, ["Coho"]),
         ("Adventure Works Cycles Pty Ltd", None, ["Adventure Works"])],
        id="registration-number-after-suffix",
    ),
    pytest.param(
        "This Lease is made between Landlord Properties LLC (\"Landlord\") and Tenant Co "
        '("Tenant").',
        [("Landlord Properties LLC", "Landlord", []), ("Tenant Co", "Tenant", [])],
        id="role-words-inside-names",
    ),
    pytest.param(
        "This Agreement is made between Acme Corp. ('Acme') and Beta LLC, referred to herein as "
        "the 'Supplier'.",
        [("Acme Corp.", None, ["Acme"]), ("Beta LLC", "Supplier", [])],
        id="single-quotes-and-referred-to-as",
    ),
    pytest.param(
        # Some PDF text layers write ';' as U+037E, which looks the same.
        'THIS AGREEMENT is made BETWEEN:\n(1) Harbour Light Limited (the "Company")\u037e and\n'
        '(2) Priya Raman (the "Executive").',
        [("Harbour Light Limited", "Company", []), ("Priya Raman", "Executive", [])],
        id="greek-question-mark-as-semicolon",
    ),
]


@pytest.mark.parametrize(("preamble", "expected"), PREAMBLES)
def test_preamble_forms(preamble: str, expected: list[tuple[str, str | None, list[str]]]) -> None:
    assert summary(parties_in("SERVICES AGREEMENT\n" + preamble)) == expected


def test_cover_page_names_on_their_own_lines() -> None:
    cover = ("SUPPLY AGREEMENT\nby and between\nREDWOOD LABS, INC.\nand\nSUMMIT BIOTECH CORP.\n"
             "Dated as of May 1, 2020")
    assert [p.name for p in parties_in(cover)] == ["REDWOOD LABS, INC.", "SUMMIT BIOTECH CORP."]


def test_cover_page_and_preamble_give_one_party_each_in_the_preamble_form() -> None:
    cover = "PROMOTION AGREEMENT\nby and between\nRedwood Labs, Inc.\nand\nSummit Biotech Corp."
    preamble = ('THIS PROMOTION AGREEMENT is made by and between REDWOOD LABS, INC. ("Redwood") '
                'and SUMMIT BIOTECH CORP. ("Summit").')
    found = parties_in(cover, preamble)
    assert [(p.name, p.aliases) for p in found] == [
        ("REDWOOD LABS, INC.", ["Redwood"]), ("SUMMIT BIOTECH CORP.", ["Summit"])]
    assert found[0].evidence is not None and found[0].evidence.page == 2


def test_labelled_party_lines() -> None:
    header = ("COOPERATION AGREEMENT\nParty A: Bright Star Electronics Co., Ltd.\n"
              "Address: 88 Keyuan Road, Shenzhen\n"
              "Party B (Carrier): Golden Harvest Logistics Ltd.\n"
              "Address: 12 Harbour Road, Ningbo\nThe parties agree as follows:")
    assert summary(parties_in(header)) == [
        ("Bright Star Electronics Co., Ltd.", None, ["Party A"]),
        ("Golden Harvest Logistics Ltd.", "Carrier", ["Party B"]),
    ]


SIGNATURES = ("IN WITNESS WHEREOF, the undersigned have executed this agreement.\n"
              "CEDAR RIDGE CAPITAL LP\nBy: /s/ Mark Olsen\nName: Mark Olsen\n"
              "Title: Chief Financial Officer\nCEDAR RIDGE MANAGEMENT, LLC\nBy: /s/ Mark Olsen\n"
              "Name: Mark Olsen\nTitle: Managing Member")


def test_signature_blocks_when_the_preamble_names_no_one() -> None:
    body = ("JOINT FILING AGREEMENT\nThe undersigned agree that the statement on Schedule 13G is "
            "filed on behalf of each of them.\n")
    assert [p.name for p in parties_in(body, SIGNATURES)] == [
        "CEDAR RIDGE CAPITAL LP", "CEDAR RIDGE MANAGEMENT, LLC"]


def test_side_by_side_signature_names_do_not_run_together() -> None:
    """A two-column signature block flattened to one line (a cuad-dev hosting agreement): the
    second name is not 'INC. ORCHARD INTERACTIVE, INC.'."""
    preamble = "WEB SITE HOSTING AGREEMENT\nThis Agreement is made by Lakeside Retail, Inc.\n"
    signed = ("IN WITNESS WHEREOF, the parties have executed this Agreement.\n"
              "LAKESIDE RETAIL, INC. ORCHARD INTERACTIVE, INC.\n"
              "By: /s/ Mark Olsen By: /s/ Ana Ruiz\n")
    assert [p.name for p in parties_in(preamble, signed)] == [
        "Lakeside Retail, Inc.", "ORCHARD INTERACTIVE, INC."]


def test_signature_blocks_are_ignored_when_the_preamble_names_two() -> None:
    preamble = ('This Services Agreement is made between Lakeside Retail LLC ("Client") and '
                'Pinecrest Software Inc. ("Vendor").')
    found = parties_in(preamble, SIGNATURES)
    assert [p.name for p in found] == ["Lakeside Retail LLC", "Pinecrest Software Inc."]


@pytest.mark.parametrize(
    "not_a_party",
    ["Chief Executive Officer", "Name", "Title", "Parties", "Agreement", "Delaware", "Main Street",
     "Effective Date", "RECITALS", "WHEREAS", "Mark Olsen"],
)
def test_things_that_are_never_parties(not_a_party: str) -> None:
    preamble = ('SERVICES AGREEMENT\nRECITALS\nThis Services Agreement (the "Agreement") is made '
                'effective as of June 1, 2020 (the "Effective Date") between Lakeside Retail LLC, '
                "a Delaware limited liability company with offices at 10 Main Street, Dover, DE "
                '19901 ("Client"), and Pinecrest Software Inc. ("Vendor") (each a "Party" and '
                'together the "Parties").\nWHEREAS, Client needs software;')
    names = [p.name for p in parties_in(preamble, SIGNATURES)]
    assert names == ["Lakeside Retail LLC", "Pinecrest Software Inc."]
    assert not any(not_a_party.lower() in name.lower() for name in names)


def test_capitalised_prose_after_between_is_not_a_party() -> None:
    # Regression: an all-capitals paragraph citing another agreement "BETWEEN X AND Y, INCLUDING
    # THE LIMITED WARRANTY ..." once gave the warranty wording as a party.
    page = ("MAINTENANCE AGREEMENT\nThe maintenance fee is due monthly.\nTHIS MAINTENANCE "
            "AGREEMENT IS SUBJECT TO THE MASTER AGREEMENT BETWEEN NORTHWIND AND LAKESIDE BANK,\n"
            "INCLUDING THE LIMITED WARRANTY AND DISCLAIMER AND LIMITATIONS OF LIABILITY\n"
            "PROVIDED THEREIN.")
    names = [p.name for p in parties_in(page)]
    assert not any("WARRANTY" in name or "LIABILITY" in name for name in names)


def test_city_and_state_of_an_address_are_not_a_party() -> None:
    preamble = ('This Hosting Agreement is made between Hanover Parts, Inc. ("HPI"), located at 1 '
                "Harbor Boulevard, Weehawken, NJ 07087, and The Deerfield Group, Inc., located at "
                "2500 Arrowhead Drive, Carson City, NV 89706. Each of them is a \"Party\".")
    assert [p.name for p in parties_in(preamble)] == [
        "Hanover Parts, Inc.", "The Deerfield Group, Inc."]


def test_evidence_quotes_the_name_as_written() -> None:
    found = parties_in('This Agreement is made between Acme\nHoldings, Inc. ("Acme") and Beta LLC.')
    evidence = found[0].evidence
    assert evidence is not None
    assert (evidence.page, evidence.text) == (1, "Acme Holdings, Inc.")


def test_no_parties_in_a_document_without_any() -> None:
    assert parties_in("MEMO\nPlease file the attached invoices by Friday.") == []


CUAD_CASES = {
    "ACCURAYINC_09_01_2010-EX-10.31-DISTRIBUTOR AGREEMENT": [
        ("ACCURAY INCORPORATED", None, ["Accuray"]),
        ("SIEMENS AKTIENGESELLSCHAFT", None, ["Siemens"]),
    ],
    "BICYCLETHERAPEUTICSPLC_03_10_2020-EX-10.11-SERVICE AGREEMENT": [
        ("BICYCLETX LIMITED", "Company", []),
        ("NIGEL CROCKETT", "Employee", []),
    ],
    "CYBERIANOUTPOSTINC_07_09_1998-EX-10.13-PROMOTION AGREEMENT": [
        ("CNET, Inc.", None, ["CNET"]),
        ("Cyberian Outpost, Inc.", "Company", []),
    ],
}


@pytest.mark.parametrize("stem", sorted(CUAD_CASES))
def test_real_contracts(stem: str) -> None:
    if not (CUAD_DEV / "labels.jsonl").exists():
        pytest.skip("the CUAD development split (../shared/eval/cuad-dev) is not available")
    labels = {json.loads(line)["id"]: json.loads(line)
              for line in (CUAD_DEV / "labels.jsonl").read_text().splitlines()}
    text = read_contract_text(CUAD_DEV / labels[stem]["pdf"])
    assert summary(find_parties(text, parse(text.text))) == CUAD_CASES[stem]
