"""Tesseract's habitual misreadings of contract typography, each seen on a scanned fixture."""

import pytest

from extractors.ocr_corrections import correct_words


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        # closing quote of a defined term read as a single quote (saas_subscription p1)
        ('(the "Agreement\') is dated', '(the "Agreement") is dated'),
        ('("Alpine" or "Subscriber\').', '("Alpine" or "Subscriber").'),
        # ... across a line break (msa_sla_exhibit p1)
        ('(the "Effective Date\') by and between', '(the "Effective Date") by and between'),
        # a doubled opening quote (outsourcing_liquidated_damages p1)
        ('(""Adatum" or the "Supplier\').', '("Adatum" or the "Supplier").'),
        ('five (5) years (the ""Term").', 'five (5) years (the "Term").'),
        # the digit one (msa_sla_exhibit p1, maintenance_severity p2, outsourcing p1)
        ("the Ist day of March, 2024", "the 1st day of March, 2024"),
        ("Confidential - Page | of 7", "Confidential - Page 1 of 7"),
        ("means | April 2023;", "means 1 April 2023;"),
        ("a fee of l0% and 2O24", "a fee of 10% and 2024"),
        # an en dash read as a double hyphen (maintenance_severity p1)
        ("ARTICLE 1 -- DEFINITIONS", "ARTICLE 1 - DEFINITIONS"),
        ("3.3, Measurement.", "3.3 Measurement."),
        # remnants of table rules (maintenance_severity p5)
        ("[Proseware Supply Planner 5.x", "Proseware Supply Planner 5.x"),
        ("Named users 60] $27,000.00 _ ~", "Named users 60 $27,000.00"),
        ("Seventy 1 Critical: production down", "Severity 1 Critical: production down"),
        # noisy scans (maintenance_severity p1, evergreen_services p1)
        ('Proseware, Inc.,.a Texas corporation', 'Proseware, Inc., a Texas corporation'),
        ('78701 ¢"Proseware" or "Vendor"}, and', '78701 ("Proseware" or "Vendor"), and'),
        ('("Humongous" or Client").', '("Humongous" or "Client").'),
    ],
)
def test_misreadings_are_undone(read: str, meant: str) -> None:
    assert " ".join(w for w in correct_words(read.split()) if w) == meant


@pytest.mark.parametrize(
    "text",
    [
        "Host's monitoring and the parties' obligations",
        "I agree to Schedule I and Exhibit II",
        "seventy (70) days; Seventy-two hours",
        "Lloyd's of London, Oil and Gas, 10 lots",
        "the term ('Term') as defined",
        "[2024] (a) [reserved]",
        'the "Monthly Uptime Percentage") as measured',
        'each, a Renewal Term") unless',
        "cost 25¢ per unit",
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert " ".join(correct_words(text.split())) == text
