"""The accuracy harness's scoring rules (stated in bench/accuracy.py)."""

from datetime import date

import pytest

from bench.scoring import (
    gold_durations,
    gold_party_names,
    names_match,
    normalise_law,
    score_date,
    score_duration,
    score_governing_law,
)
from schemas import Duration


def test_dates_exact_partial_skipped_and_false_positive_on_null() -> None:
    hit = score_date("2024-03-01", date(2024, 3, 1), "d")
    assert hit is not None and (hit.right, hit.predicted, hit.gold) == (1, 1, 1)
    assert score_date({"partial": "[]/[]/2020"}, date(2020, 1, 1), "d") is None
    fp = score_date(None, date(2020, 1, 1), "d")
    assert fp is not None and (fp.predicted, fp.right, fp.gold) == (1, 0, 0)
    assert score_date(None, date(2020, 1, 1), "d", gold_null_skipped=True) is None
    wrong = score_date("2024-03-01", date(2024, 3, 2), "d")
    assert wrong is not None and (wrong.false_positives, wrong.false_negatives) == (1, 1)


def test_malformed_gold_date_is_skipped() -> None:
    assert score_date("2025-31-01", date(2025, 1, 31), "d") is None


@pytest.mark.parametrize(
    ("gold", "pred", "right"),
    [("successive 1 year", Duration(count=12, unit="months"), 1),
     ("6 months; 12 months", Duration(count=12, unit="months"), 1),
     ("90 days", Duration(count=3, unit="months"), 1),  # 91.3 days: within 2%
     ("60 days", Duration(count=3, unit="months"), 0),
     ("180 days / 6 months", Duration(count=6, unit="months"), 1)],
)
def test_durations_in_days_with_tolerance(gold: str, pred: Duration, right: int) -> None:
    tally = score_duration(gold, pred, "t")
    assert tally is not None and tally.right == right


def test_perpetual_renewal_term_is_not_scored_as_a_duration() -> None:
    assert gold_durations("perpetual") is None
    assert score_duration("perpetual", None, "t") is None


@pytest.mark.parametrize(
    ("gold", "pred", "right"),
    [("New York", "New York", 1), ("the State of New York", "New York", 1),
     ("England", "England and Wales", 1), ("England; Wales", "England and Wales", 1),
     ("Connecticut, U.S.A.", "Connecticut", 1), ("Texas", "Delaware", 0)],
)
def test_governing_law(gold: str, pred: str, right: int) -> None:
    assert score_governing_law(gold, pred).right == right
    assert normalise_law("Commonwealth of Virginia") == "virginia"


def test_party_names_and_matching() -> None:
    names = gold_party_names('ACME HOLDINGS, INC. ("Acme"); Beta Systems LLC ("Vendor")')
    assert names == ["ACME HOLDINGS, INC.", "Beta Systems LLC"]
    assert names_match("Acme Holdings, Inc.", "ACME HOLDINGS INC")
    assert names_match("Beta Systems", "Beta Systems LLC")  # containment after suffixes
    assert not names_match("Beta Systems LLC", "Gamma Corp")
    group = gold_party_names('Hyatt and Playa ("Parties"); Hyatt Corp ("Hyatt")')
    assert group == ["Hyatt Corp"]
