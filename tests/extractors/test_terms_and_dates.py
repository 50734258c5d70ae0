"""Dates, term, renewal and governing law on sentence variants (paraphrases, not copied text)."""

from datetime import date

import pytest

from extractors.dates import find_agreement_dates
from extractors.document import ContractText
from extractors.governing_law import find_governing_law
from extractors.nlp import parse
from extractors.pipeline import extract_from_text
from extractors.renewal import find_renewal
from extractors.term import find_term, stated_end_contradicted
from schemas import ContractRecord, Duration, DurationUnit
from schemas.terms import notice_deadline


def doc_of(*pages: str) -> tuple[ContractText, object]:
    text = ContractText.from_pages("t.pdf", list(pages))
    return text, parse(text.text)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('This Services Agreement is dated as of March 1, 2024 between A and B.', date(2024, 3, 1)),
        ("This Agreement is made and entered into this 1st day of March, 2024, by and between "
         "A Corp. and B LLC.", date(2024, 3, 1)),
        ("THIS AGREEMENT is made on 26 September 2019\nBETWEEN:", date(2019, 9, 26)),
        ("This License Agreement, entered into on March 1st, 2024 by Acme.", date(2024, 3, 1)),
    ],
)
def test_agreement_date(sentence: str, expected: date) -> None:
    text, doc = doc_of(sentence)
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_date == expected
    assert found.agreement_evidence is not None and found.agreement_evidence.page == 1


def test_date_evidence_quotes_whole_words_from_the_dates_own_page() -> None:
    signed = ("Page 5 of 6 - Confidential Treatment Requested",
              "December 23, 2013 IN WITNESS WHEREOF the parties have signed this Agreement.")
    text, doc = doc_of(*signed)
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_evidence is not None
    assert found.agreement_evidence.page == 2
    assert found.agreement_evidence.text == "December 23, 2013"

    text, doc = doc_of("This Master Supply and Manufacturing Agreement is dated as of "
                       "March 1, 2024 between A and B.")
    evidence = find_agreement_dates(text, doc).agreement_evidence  # type: ignore[arg-type]
    assert evidence is not None
    assert evidence.text.endswith(" is dated as of March 1, 2024")
    assert text.text[evidence.start - 1] == " "  # a whole first word, not "turing Agreement"
    assert text.text[evidence.start:evidence.end] == evidence.text


def test_referenced_agreement_date_is_not_this_agreements_date() -> None:
    text, doc = doc_of(
        "This Amendment is made as of June 5, 2021 to the Supply Agreement dated "
        "January 2, 2019 between the parties."
    )
    assert find_agreement_dates(text, doc).agreement_date == date(2021, 6, 5)  # type: ignore[arg-type]


def test_another_agreements_effective_date_is_not_this_ones() -> None:
    text, doc = doc_of(
        "MEDIA LICENSE AGREEMENT. This Media License Agreement is made and effective as of the "
        "date of the Closing (the \"Effective Date\") by and between A and B. " + "x " * 200
        + "2.6 Licensee shall honour that certain agreement effective as of June 25, 2013 "
        "among NFL Enterprises LLC and the Museum."
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.effective_date != date(2013, 6, 25)


def test_explicit_effective_date_definition() -> None:
    text, doc = doc_of(
        "This Agreement is dated May 1, 2024. It shall take effect on June 1, 2024 "
        '(the "Effective Date").'
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert (found.agreement_date, found.effective_date) == (date(2024, 5, 1), date(2024, 6, 1))


def test_effective_on_last_signature_gives_no_date_and_a_warning() -> None:
    text, doc = doc_of(
        "This Agreement shall be effective as of the date of the last signature below."
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.effective_date is None
    assert any("last signature" in warning for warning in found.warnings)


def test_missing_effective_date_falls_back_with_a_warning() -> None:
    text, doc = doc_of("This Agreement is dated as of July 4, 2023 by Acme and Beta.")
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.effective_date == date(2023, 7, 4)
    assert "no effective date stated; agreement date used" in found.warnings


@pytest.mark.parametrize(
    ("sentence", "count", "unit"),
    [
        ("The initial term of this Agreement shall be three (3) years from the Effective Date.",
         3, "years"),
        ("This Agreement shall remain in effect for a period of twelve (12) months.", 12, "months"),
        ("The term of this Agreement is 24 months, commencing on the Effective Date.", 24,
         "months"),
    ],
)
def test_initial_term(sentence: str, count: int, unit: str) -> None:
    text, doc = doc_of(sentence)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is not None
    assert (term.initial_term.count, term.initial_term.unit.value) == (count, unit)


def test_expiration_date_stated() -> None:
    text, doc = doc_of("The Initial Term shall commence on the Effective Date and continue until "
                       "March 31, 2027.")
    assert find_term(text, doc).expiration_date == date(2027, 3, 31)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sentence", "evergreen"),
    [
        ("The license granted herein is perpetual and irrevocable, and this term is perpetual.",
         False),
        ("This Agreement shall continue in full force and effect until terminated by either party "
         "upon thirty (30) days' written notice.", True),
    ],
)
def test_no_fixed_end(sentence: str, evergreen: bool) -> None:
    text, doc = doc_of(sentence)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.perpetual
    assert term.evergreen is evergreen


@pytest.mark.parametrize(
    ("sentence", "auto", "renewal", "notice"),
    [
        ("This Agreement shall automatically renew for successive one (1) year terms unless "
         "either party gives notice of non-renewal at least ninety (90) days prior to the end of "
         "the then-current term.", True, (1, "years"), (90, "days")),
        ("Thereafter the term shall be renewed for additional 12-month periods unless a party "
         "provides sixty days' written notice before the expiration.", True, (12, "months"),
         (60, "days")),
        ("After the Initial Term, this Agreement will continue from year to year unless "
         "terminated by either party on not less than three (3) months notice prior to the "
         "anniversary.", True, (1, "years"), (3, "months")),
        ("The parties may renew this Agreement by mutual written agreement for additional "
         "two (2) year periods.", False, (2, "years"), None),
    ],
)
def test_renewal(sentence: str, auto: bool, renewal: tuple[int, str],
                 notice: tuple[int, str] | None) -> None:
    text, doc = doc_of("1. TERM\n" + sentence)
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.auto_renews is auto
    assert found.renewal_term is not None
    assert (found.renewal_term.count, found.renewal_term.unit.value) == renewal
    period = found.notice_period
    assert ((period.count, period.unit.value) if period else None) == notice


def test_notice_in_the_following_sentence() -> None:
    text, doc = doc_of(
        "This Agreement renews automatically for successive one-year terms. Either party may "
        "prevent renewal by written notice given no later than thirty (30) days before the end "
        "of the current term."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.notice_period is not None and found.notice_period.count == 30


def test_no_renewal_language() -> None:
    text, doc = doc_of("This Agreement expires on December 31, 2026.")
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert not found.auto_renews and found.renewal_term is None


@pytest.mark.parametrize(
    ("sentence", "jurisdiction"),
    [
        ("This Agreement shall be governed by the laws of the State of New York.", "New York"),
        ("This Agreement is governed by and construed in accordance with the laws of England and "
         "Wales.", "England and Wales"),
        ("This Agreement is governed by English law.", "England and Wales"),
        ("The laws of the Province of Ontario and the federal laws of Canada applicable therein "
         "shall govern; this Agreement is construed under them.", "Ontario, Canada"),
        ("This Agreement shall be governed by the laws of the PRC.", "People's Republic of China"),
        ("This Agreement will be construed under the laws of the Commonwealth of Virginia.",
         "Virginia"),
        ("Governed by the laws of the United States and the State of Arizona.", "Arizona"),
    ],
)
def test_governing_law(sentence: str, jurisdiction: str) -> None:
    text, _ = doc_of(sentence)
    found = find_governing_law(text)
    assert found is not None and found.jurisdiction == jurisdiction


def test_english_language_clause_is_not_english_law() -> None:
    text, _ = doc_of("This Agreement is written in the English language, which shall govern.")
    assert find_governing_law(text) is None


@pytest.mark.parametrize(
    ("sentence", "count", "unit"),
    [
        # Regression cases from cuad-dev misses (paraphrased).
        ("The initial term of the hosting arrangement is 4 years from the start date.", 4, "years"),
        ("This Agreement shall remain in full force and effect for a period of two years (2), "
         "unless terminated earlier.", 2, "years"),
        ("Term: twelve (12) months from the date of this Agreement.", 12, "months"),
        ("This Agreement is for a term (the \"Term\") of 18 months from the Effective Date.", 18,
         "months"),
        ("This contract shall remain valid for 1 year.", 1, "years"),
        ("The term will begin on the Effective Date and will end on the second (2nd) anniversary "
         "of the Effective Date.", 2, "years"),
        ("This Agreement shall have an initial term of one (1) year and shall thereafter "
         "automatically renew for successive two (2) year periods.", 1, "years"),
        ("The Initial Term of this Technical Infrastructure Maintenance Agreement is twelve "
         "months, commencing on the Effective Date.", 12, "months"),
    ],
)
def test_initial_term_regressions(sentence: str, count: int, unit: str) -> None:
    text, doc = doc_of(sentence)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is not None
    assert (term.initial_term.count, term.initial_term.unit.value) == (count, unit)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Term shall commence on the date hereof and shall end as of December 31, 2000.",
         date(2000, 12, 31)),
        ("The term will continue until the earlier of (i) December 31, 2022, (ii) the end of the "
         "lease.", date(2022, 12, 31)),
        ('"Expiration Date" means March 31, 2020.', date(2020, 3, 31)),
        ("The joint venture has a fixed term beginning May 1, 2018 and ending May 31st, 2019.",
         date(2019, 5, 31)),
    ],
)
def test_expiration_date_regressions(sentence: str, expected: date) -> None:
    text, doc = doc_of(sentence)
    assert find_term(text, doc).expiration_date == expected  # type: ignore[arg-type]


def test_a_service_ending_is_not_the_agreements_expiration() -> None:
    text, doc = doc_of(
        "SECTION 4.0 TERM This Agreement shall become effective on the Effective Date and "
        "shall continue for a period of three (3) years. Exhibit B. Transition. All Transition "
        "Services will expire December 31, 1998."
    )
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.expiration_date is None
    assert term.initial_term is not None and term.initial_term.count == 3


@pytest.mark.parametrize(
    "part",
    [
        "This Supplement and its Attachments shall become effective upon execution of the SOW "
        "and expire February 26, 1999 unless terminated as provided in Section 5.0 of the "
        "Agreement.",
        "This Statement of Work will expire on June 30, 2021 unless extended under the Agreement.",
        "The term of this Work Order shall end on March 31, 2019 as set out in the Agreement.",
    ],
)
def test_a_supplements_own_end_is_not_the_agreements_expiration(part: str) -> None:
    """An outsourcing agreement (cuad-dev) whose supplement, 13 pages later, has its own end."""
    text, doc = doc_of(
        "SECTION 4.0 TERM This Agreement shall become effective on the Effective Date and "
        "shall continue for a period of three (3) years unless terminated earlier.",
        part,
    )
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.expiration_date is None
    assert term.initial_term is not None and term.initial_term.count == 3


TERM_SENTENCE = ("SECTION 4.0 TERM This Agreement shall become effective on the Effective Date "
                 "and shall continue for a period of three (3) years unless terminated earlier.")


@pytest.mark.parametrize(
    ("elsewhere", "start", "expected"),
    [
        # a table row's date, far from the term's end: the plainly stated term wins
        ("Profit rates (after September 30, 1998) apply; all other terms of the Agreement "
         "shall remain in full force and effect until September 30, 1998.",
         date(1998, 6, 1), date(2001, 5, 31)),
        # the stated end agrees with start + term: it stands
        ("This Agreement expires on May 31, 2001.", date(1998, 6, 1), None),
        # no start date: nothing to compare with, the stated date stands
        ("This Agreement shall remain in effect until September 30, 1998.", None, None),
    ],
)
def test_a_plainly_stated_term_outweighs_a_contradicting_end_date(
    elsewhere: str, start: date | None, expected: date | None
) -> None:
    text, doc = doc_of(TERM_SENTENCE, elsewhere)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.expiration_date is not None
    assert stated_end_contradicted(term, start) == expected


def test_an_end_date_stated_as_plainly_as_the_term_is_kept() -> None:
    text, doc = doc_of("The initial term of this Agreement shall be three (3) years. The term of "
                       "this Agreement shall continue until December 31, 2030.")
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.expiration_date == date(2030, 12, 31)
    assert stated_end_contradicted(term, date(2024, 1, 1)) is None


def test_this_agreement_as_a_schedule_still_sets_its_end() -> None:
    text, doc = doc_of("This Agreement, including each Schedule, shall expire on May 31, 2026.")
    assert find_term(text, doc).expiration_date == date(2026, 5, 31)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence",
    [
        "Supplier grants Buyer a perpetual, irrevocable, royalty-free license to use the marks.",
        "Company shall not use the Work Product during the term or after, in perpetuity, for any "
        "other purpose.",
    ],
)
def test_perpetual_grant_is_not_a_perpetual_agreement(sentence: str) -> None:
    text, doc = doc_of(sentence)
    assert not find_term(text, doc).perpetual  # type: ignore[arg-type]


def test_employment_until_notice_is_evergreen() -> None:
    text, doc = doc_of("Your employment shall commence on 1 May 2020 and shall continue unless and "
                       "until either party gives notice to the other.")
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.perpetual and term.evergreen


@pytest.mark.parametrize(
    ("sentence", "auto", "renewal"),
    [
        # Regression cases from cuad-dev misses (paraphrased).
        ("This Agreement shall remain in effect for two years, and thereafter shall continue "
         "automatically for successive annual periods.", True, (1, "years")),
        ("The lessee has the option to renew the agreement for another 3 years on notice.", False,
         (3, "years")),
        ("The contract is renewable for a 1 year extension by amendment to this agreement.", False,
         (1, "years")),
        ("Without notice the contract will automatically extend for an additional month of "
         "service.", True, (1, "months")),
        ("This Agreement is subject to an automatic extension for consecutive one (1) year "
         "periods thereafter.", True, (1, "years")),
        ("This contract remains in effect for the five (5) year term (\"Initial Term\") and shall "
         "be automatically extended for one (1) year periods after the Initial Term.", True,
         (1, "years")),
    ],
)
def test_renewal_regressions(sentence: str, auto: bool, renewal: tuple[int, str]) -> None:
    text, doc = doc_of(sentence)
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.auto_renews is auto
    assert found.renewal_term is not None
    assert (found.renewal_term.count, found.renewal_term.unit.value) == renewal


def test_termination_notice_in_an_unrelated_next_sentence_is_not_the_renewal_notice() -> None:
    text, doc = doc_of(
        "This Agreement renews automatically for successive one-year terms. Either party may "
        "terminate for convenience upon sixty (60) days prior written notice."
    )
    assert find_renewal(text, doc).notice_period is None  # type: ignore[arg-type]


def test_parenthesised_number_before_a_hyphenated_unit() -> None:
    text, doc = doc_of("Thereafter the agreement shall automatically renew for successive five "
                       "(5)-year terms unless either party objects ninety (90) days prior to the "
                       "end of the then current term.")
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.renewal_term is not None and found.renewal_term.count == 5
    assert found.notice_period is not None and found.notice_period.count == 90


def test_automatic_sentence_with_a_term_wins_over_one_without() -> None:
    text, doc = doc_of(
        "1. TERM\nThis Agreement shall extend for a period of five (5) years (\"Initial Term\") "
        "unless terminated earlier. Thereafter it shall automatically renew for successive one "
        "(1) year terms."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.renewal_term is not None and found.renewal_term.count == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Mediation shall not continue more than sixty (60) days unless the parties agree in "
        "writing to extend that period.",
        # a promotion agreement in cuad-dev (paraphrased): 'notice' and 'to extend' both there
        "In no event shall mediation continue more than sixty (60) days unless the Parties "
        "agree in writing to extend that period by notice to the mediator.",
        "The cure period shall not exceed thirty (30) days unless the non-breaching Party agrees "
        "to extend it by written notice.",
    ],
)
def test_mediation_extension_is_not_a_renewal(sentence: str) -> None:
    text, doc = doc_of(sentence)
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert not found.auto_renews and found.renewal_term is None


@pytest.mark.parametrize(
    ("text", "jurisdiction"),
    [
        # Regression cases from cuad-dev misses (paraphrased).
        ("The laws of California shall govern the construction of this Agreement.", "California"),
        ("This Agreement is governed by the laws of the United States of America and of the "
         "Commonwealth of Pennsylvania as applied to contracts made and performed there.",
         "Pennsylvania"),
        ("This Contract shall be governed by the laws of the R.O.C. in all respects.",
         "Taiwan"),
        ("12. Governing Law and Disputes\n12.1 This Agreement is made under and subject to the "
         "substantive laws of the State of New York.", "New York"),
        ("The venture is formed in accordance with the laws of the State of Florida.", "Florida"),
    ],
)
def test_governing_law_regressions(text: str, jurisdiction: str) -> None:
    found = find_governing_law(ContractText.from_pages("t.pdf", [text]))
    assert found is not None and found.jurisdiction == jurisdiction


def test_choice_of_law_beats_an_earlier_venue_clause() -> None:
    text = ContractText.from_pages("t.pdf", [
        "Any action shall be brought in the courts of New York, and the parties submit to "
        "the jurisdiction of the courts of New York under the laws of New York. "
        "This Agreement shall be governed in all respects by the laws of Japan."])
    found = find_governing_law(text)
    assert found is not None and found.jurisdiction == "Japan"


def test_choice_of_law_split_by_a_page_break_and_running_header() -> None:
    text = ContractText.from_pages("t.pdf", [
        "12.4 Governing Law. This Agreement shall be governed by and construed in accordance with",
        "Outsourcing Agreement Ref. ABC/2023/07\nthe law of England and Wales. The courts of "
        "England shall have jurisdiction."])
    found = find_governing_law(text)
    assert found is not None and found.jurisdiction == "England and Wales"


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # Regression cases from cuad-dev misses (paraphrased).
        (["This Alliance Agreement, effective as of the 23rd day of  September, 2016, is entered "
          "into by A Corp. and B Inc."], date(2016, 9, 23)),
        (["THIS AGREEMENT is dated May 3,2006.\nBETWEEN: A Ltd. and B Ltd."], date(2006, 5, 3)),
        (["Supply Agreement - As amended on February 28, 2010\nThis Supply Agreement was made and "
          "entered into as of the 11 day of January, 2001 by A Ltd. and B Inc."],
         date(2001, 1, 11)),
    ],
)
def test_agreement_date_regressions(pages: list[str], expected: date) -> None:
    text, doc = doc_of(*pages)
    assert find_agreement_dates(text, doc).agreement_date == expected  # type: ignore[arg-type]


def test_signature_block_date_when_the_preamble_has_none() -> None:
    text, doc = doc_of(
        "SERVICES AGREEMENT\nThe parties agree as follows.\n1. Services. Vendor provides services.",
        "IN WITNESS WHEREOF the parties sign below.\nBy: /s/ A. Smith\nDate: 4/24/2018\n"
        "By: /s/ B. Jones\nDate: 04/25/2018",
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_date == date(2018, 4, 25)  # the last signature
    assert "agreement date taken from the signature block" in found.warnings


def test_filing_stamp_dates_on_every_page_are_ignored() -> None:
    stamp = "Source: ACME HOLDINGS INC, 8-K, 10/28/2016"
    pages = [f"SERVICES AGREEMENT\nThe parties agree as follows.\n{stamp}",
             f"2. Fees. Customer pays monthly.\n{stamp}", f"3. Term. One year.\n{stamp}"]
    text, doc = doc_of(*pages)
    assert find_agreement_dates(text, doc).agreement_date is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence",
    [
        # Regression cases from cuad-dev misses (paraphrased).
        "This Agreement will commence on the Effective Date and will continue until termination "
        "as provided below.",
        "The licence granted hereunder shall endure indefinitely unless terminated under clause 6.",
        "Period of services: this Agreement is valid for an indefinite term.",
        "The provisions of this Agreement shall not be terminable or revocable for any reason.",
    ],
)
def test_no_fixed_end_regressions(sentence: str) -> None:
    text, doc = doc_of(sentence)
    assert find_term(text, doc).perpetual  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence",
    [
        '"Calendar Year" means the twelve-month period ending on December 31, 2019.',
        "This duty continues during the term of this Agreement and for two years after its "
        "termination.",
    ],
)
def test_other_periods_are_not_the_term(sentence: str) -> None:
    text, doc = doc_of(sentence)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is None and term.expiration_date is None


def test_notice_that_it_will_not_be_renewed_does_not_negate_the_renewal() -> None:
    text, doc = doc_of(
        "This Agreement will automatically renew for successive one-year terms unless either "
        "party gives the other 30 days written notice that this Agreement will not be renewed."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.auto_renews
    assert found.notice_period is not None and found.notice_period.count == 30


def test_notice_sentence_before_the_renewal_sentence() -> None:
    text, doc = doc_of(
        "TERM. This Agreement is for a term of 12 months. If the company does not wish to extend "
        "the term, it must notify the consultant within 5 days of the end of the 12 month term. "
        "Without notice the contract will automatically extend for an additional month."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert found.renewal_term is not None and found.renewal_term.count == 1
    assert found.notice_period is not None and found.notice_period.count == 5


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # Regression cases from cuad-dev (paraphrased).
        (["SERVICES AGREEMENT\nSERVICES AGREEMENT, dated as of April 1, 2019 (the \"Agreement\"),"
          " by and between A Ltd. and B Inc."], date(2019, 4, 1)),
        (["MASTER SERVICES AGREEMENT\nBetween A LLC and B Corp.\n" + "Recitals follow. " * 30 +
          "THIS MASTER SERVICES AGREEMENT (\"Agreement\"), dated as of 09/24/2018, is made by A "
          "LLC and B Corp."], date(2018, 9, 24)),
        (["SUPPORT AGREEMENT\nThis Support Agreement (this \"Agreement\") is entered on this 9th "
          "day of October, 2001 and is deemed effective as of October 1, 2001."],
         date(2001, 10, 9)),
    ],
)
def test_own_agreement_date_regressions(pages: list[str], expected: date) -> None:
    text, doc = doc_of(*pages)
    assert find_agreement_dates(text, doc).agreement_date == expected  # type: ignore[arg-type]


def test_recital_date_of_another_agreement_is_not_the_agreement_date() -> None:
    text, doc = doc_of("LICENSE AGREEMENT\n" + "Background. " * 40 + "WHEREAS: A and B entered "
                       "into a Development Services Agreement on April 1, 2014 (the \"DSA\").")
    assert find_agreement_dates(text, doc).agreement_date is None  # type: ignore[arg-type]


def test_initially_for_the_n_year_term() -> None:
    text, doc = doc_of("This contract shall remain in effect initially for the five (5) year term "
                       "(\"Initial Term\") from the date signed.")
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is not None and term.initial_term.count == 5


def test_effective_date_defined_by_an_event_gives_no_start() -> None:
    text, doc = doc_of(
        "This Hosting Agreement is made as of August 9, 1999 by A Inc. and B Inc. This Agreement "
        "shall be effective as of that date (the \"Effective Date\") the Site becomes fully "
        "operational, and shall continue for one (1) year."
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_date == date(1999, 8, 9)
    assert found.effective_date is None and found.effective_by_event
    assert found.start_date is None


@pytest.mark.parametrize(
    ("sentence", "count", "unit"),
    [
        # Regression cases from cuad-dev misses (paraphrased).
        ("This Agreement shall begin on the Effective Date and end three (3) years thereafter "
         "(the \"Term\").", 3, "years"),
        ("The term of this Agreement shall start on the Effective Date and shall continue in "
         "effect for a SEVEN (7) year period.", 7, "years"),
        ("The term of this Agreement starts on the Effective Date and continues in effect until "
         "the later of (a) the third (3rd) anniversary of the Effective Date, or (b) delivery of "
         "all reports.", 3, "years"),
    ],
)
def test_initial_term_stated_as_an_end(sentence: str, count: int, unit: str) -> None:
    text, doc = doc_of(sentence)
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is not None
    assert (term.initial_term.count, term.initial_term.unit.value) == (count, unit)
    assert term.term_anchor is None


def test_terminating_days_after_notice_is_not_a_term() -> None:
    text, doc = doc_of("Either party may terminate thirty (30) days after written notice to the "
                       "other party of a material breach of the term of this Agreement.")
    assert find_term(text, doc).initial_term is None  # type: ignore[arg-type]


def test_term_running_from_an_event_has_no_calendar_end() -> None:
    text, doc = doc_of(
        "This Cable Agreement is made on 3 May 2001 between A Ltd and B Ltd. This Agreement "
        "shall become effective on the date first above written and shall continue in operation "
        "for an initial period of twenty (20) years following the Ready for Service Date."
    )
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.initial_term is not None and term.initial_term.count == 20
    assert term.term_anchor == "Ready for Service Date"


def test_another_defined_term_period_is_not_the_contract_term() -> None:
    text, doc = doc_of('"Logo License Term" means the period commencing on the Effective Date and '
                       "ending eighteen (18) months thereafter.")
    assert find_term(text, doc).initial_term is None  # type: ignore[arg-type]


def test_effective_on_execution_dated_by_a_place_and_date_line() -> None:
    text, doc = doc_of(
        "SUPPLY AGREEMENT\nbetween Alpha GmbH and Beta Inc.\n1) This Agreement shall become "
        "effective on the date of its execution and shall remain in force for two years.",
        "IN WITNESS WHEREOF the parties have signed this Agreement.\n"
        "Bremen, October 2nd, 2015\n/s/ Anna Vogel\nAlpha GmbH",
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_date == date(2015, 10, 2)
    assert found.effective_date == date(2015, 10, 2)
    assert found.start_date == date(2015, 10, 2)


def test_renewal_by_mutual_agreement_has_no_notice_period() -> None:
    # paraphrase of a cuad-dev miss: the notice there is to propose, not to stop, a renewal
    text, doc = doc_of(
        "After the Initial Term, the term of this Agreement may be extended by a further period "
        "of three (3) years by mutual written agreement of the parties. If Reseller wishes to "
        "extend the term, it must notify Vendor in writing at least four (4) months prior to "
        "the end of the Initial Term."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert not found.auto_renews
    assert found.renewal_term is not None and found.renewal_term.count == 3
    assert found.notice_period is None


def test_renewal_at_one_partys_option_keeps_its_notice_period() -> None:
    text, doc = doc_of(
        "Customer may, at its option, renew the term of this Agreement for additional one (1) "
        "year periods by giving Supplier written notice at least sixty (60) days prior to the "
        "end of the then-current term."
    )
    found = find_renewal(text, doc)  # type: ignore[arg-type]
    assert not found.auto_renews
    assert found.notice_period is not None and found.notice_period.count == 60


def test_effective_on_the_date_first_above_written_beats_a_later_effective_from() -> None:
    text, doc = doc_of(
        "NETWORK AGREEMENT, made and entered into this 9th day of May 2001 between A and B.\n"
        "WHEREAS the parties agreed a build plan for the Cable System effective from 2nd July "
        "2000.\n3.1 This Agreement shall become effective on the date and year first above "
        "written and shall continue for ten (10) years."
    )
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.agreement_date == date(2001, 5, 9)
    assert found.effective_date == date(2001, 5, 9)
    assert found.effective_evidence is not None
    assert "first above written" in found.effective_evidence.text


def _record_of(text: str, today: date) -> ContractRecord:
    contract = ContractText.from_pages("t.pdf", [text])
    return extract_from_text(contract, record_id="0" * 64, source="t.pdf", today=today)


@pytest.mark.parametrize(
    ("term_sentence", "notice"),
    [
        ("This Agreement shall commence on March 1, 2024 and continue for an initial term of "
         "three (3) years, and shall continue in full force and effect thereafter until "
         "terminated by either Party by providing thirty (30) days' prior written notice of "
         "termination to the other Party.", 30),
        ("This Agreement shall commence on March 1, 2024. The initial term of this Agreement is "
         "three (3) years. Thereafter this Agreement shall continue until terminated by either "
         "party upon ninety (90) days' written notice.", 90),
        ("The Initial Term of this Agreement begins on March 1, 2024 and is three (3) years. "
         "Following the Initial Term, this Agreement shall remain in effect until either party "
         "gives notice of termination not less than sixty (60) days prior to the termination "
         "date.", 60),
    ],
)
def test_an_initial_term_then_evergreen_keeps_running(term_sentence: str, notice: int) -> None:
    """Read as expired once the initial term ended, such a contract was shown as over
    while it still ran (and billed); its one act-by date is the initial term's."""
    record = _record_of(f"SAAS AGREEMENT\nThis Agreement is dated March 1, 2024. {term_sentence}",
                        today=date(2026, 6, 1))
    assert record.expiration_date == date(2027, 2, 28)
    assert record.renewal.evergreen and record.renewal.auto_renews
    assert record.renewal.renewal_term is None
    assert record.renewal.notice_period == Duration(count=notice, unit=DurationUnit.days)
    assert record.renewal.current_term_end == date(2027, 2, 28)
    assert record.renewal.notice_deadline == notice_deadline(
        date(2027, 2, 28), Duration(count=notice, unit=DurationUnit.days))
    later = _record_of(f"SAAS AGREEMENT\nThis Agreement is dated March 1, 2024. {term_sentence}",
                       today=date(2027, 6, 1))
    assert later.renewal.evergreen and later.renewal.notice_deadline is None


def test_a_term_with_a_termination_right_is_not_evergreen() -> None:
    record = _record_of("This Agreement is dated March 1, 2024. The term of this Agreement is "
                        "three (3) years. Either party may terminate this Agreement for "
                        "convenience on ninety (90) days' written notice.", today=date(2026, 6, 1))
    assert record.expiration_date == date(2027, 2, 28) and not record.renewal.evergreen
    assert not record.renewal.auto_renews


def test_an_evergreen_termination_notice_is_the_duration_before_notice() -> None:
    text, doc = doc_of("The term of this Agreement is one (1) year, and this Agreement shall "
                       "continue thereafter until terminated by either party on sixty (60) "
                       "days' written notice.")
    term = find_term(text, doc)  # type: ignore[arg-type]
    assert term.termination_notice == Duration(count=60, unit=DurationUnit.days)


@pytest.mark.parametrize(
    ("sentence", "effective"),
    [
        # a channel cooperation agreement in cuad-dev (paraphrased): phases are not the contract
        ("This Agreement is made on April 29, 2010. Phase I will commence on August 1, 2010 and "
         "end on July 31, 2011.", date(2010, 4, 29)),
        ("This Agreement is made on April 29, 2010. Deliveries shall commence on June 1, 2010.",
         date(2010, 4, 29)),
        ("This Agreement is made on April 29, 2010. The term of this Agreement shall commence on "
         "May 1, 2010.", date(2010, 5, 1)),
        ('This Agreement is made on April 29, 2010. "Commencement Date" means May 3, 2010.',
         date(2010, 5, 3)),
    ],
)
def test_only_the_contracts_own_commencement_is_its_effective_date(
    sentence: str, effective: date
) -> None:
    text, doc = doc_of(sentence)
    found = find_agreement_dates(text, doc)  # type: ignore[arg-type]
    assert found.effective_date == effective
