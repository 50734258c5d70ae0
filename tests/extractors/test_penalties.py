"""Penalties on sentence and table variants (paraphrases written for the tests), with the
negatives that matter: a liability cap, a plain termination right or a deposit is not one."""

from __future__ import annotations

import pytest

from extractors.document import ContractText
from extractors.nlp import parse
from extractors.penalties import find_penalties
from schemas import Penalty


def penalties(*pages: str) -> list[Penalty]:
    text = ContractText.from_pages("t.pdf", list(pages))
    return find_penalties(text, parse(text.text))


def summary(items: list[Penalty]) -> list[tuple]:
    return [(p.kind.value, p.amount, p.unit, p.trigger,
             (p.cap.amount, p.cap.unit) if p.cap else None) for p in items]


CAP_30 = (30.0, "percent_of_monthly_fees")


@pytest.mark.parametrize(
    "table",
    [
        "Monthly Availability Service Credit\n"
        "Less than 99.9% but at least 99.0% 10% of Monthly Fees\n"
        "Less than 99.0% 25% of Monthly Fees",
        "Monthly Uptime Percentage Service Credit (% of Monthly Fees)\n"
        "Below 99.9% and at or above 99.0% 10%\n"
        "Below 99.0% 25%",
        "Service Credit (% of Monthly Fees) Availability\n"
        "10% 99.0% - 99.9%\n"
        "25% < 99.0%",
    ],
)
def test_service_credit_table_one_item_per_tier_with_cap(table: str) -> None:
    text = ("If Availability in a month is below the commitment, Customer receives the credit "
            "shown below:\n" + table + "\nThe total service credits in any month shall not exceed "
            "thirty percent (30%) of the Monthly Fees for that month.")
    assert summary(penalties(text)) == [
        ("service_credit", 10.0, "percent_of_monthly_fees", "availability below 99.9%", CAP_30),
        ("service_credit", 25.0, "percent_of_monthly_fees", "availability below 99.0%", CAP_30),
    ]


def test_service_credit_tiers_in_prose() -> None:
    text = ("If Availability is below 99.9%, Customer will receive a service credit of 5% of the "
            "monthly fees; if Availability is below 99.0%, a service credit of 15% of the "
            "monthly fees.")
    assert summary(penalties(text)) == [
        ("service_credit", 5.0, "percent_of_monthly_fees", "availability below 99.9%", None),
        ("service_credit", 15.0, "percent_of_monthly_fees", "availability below 99.0%", None),
    ]


def test_missed_response_time_credit() -> None:
    text = ("For each Priority 1 incident for which Supplier misses the response time, Customer "
            "shall receive a credit of three percent (3%) of the Monthly Fees. Credits shall in no "
            "event exceed 20% of the Monthly Fees in any month.")
    assert summary(penalties(text)) == [
        ("service_credit", 3.0, "percent_of_monthly_fees", "Priority 1 response time missed",
         (20.0, "percent_of_monthly_fees"))]


def test_service_credit_in_money() -> None:
    text = ("If the Supplier misses the resolution time for a Severity 1 incident, it shall issue "
            "a service credit of $500 against the next invoice.")
    assert summary(penalties(text)) == [
        ("service_credit", 500.0, "USD", "Severity 1 resolution time missed", None)]


def test_a_credit_cap_without_credit_items_is_reported_alone() -> None:
    items = penalties("Service credits under the SLA shall not exceed 30% of the monthly fees.")
    assert summary(items) == [("service_credit", None, None, None, CAP_30)]
    assert items[0].evidence is not None and "30%" in items[0].evidence.text


def test_transposed_rebate_table() -> None:
    text = ("SLA Rebate Table\n% Of SLA Achieved 100% 95% 90%\n"
            "Monthly Rebate % applied 0% 10% 20%\nRebates are measured monthly.")
    assert [(p.amount, p.trigger) for p in penalties(text)] == [
        (10.0, "service level below 100%"), (20.0, "service level below 95%")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("If the Contractor fails to complete the Migration by the Go-Live Date, the Contractor "
         "shall pay liquidated damages of $5,000 per day of delay, up to a maximum of $100,000.",
         ("liquidated_damages", 5000.0, "USD_per_day", "delay in completing the Migration",
          (100000.0, "USD"))),
        ("Should Supplier fail to deliver the Equipment on the Delivery Date, Supplier will pay "
         "Buyer EUR 2,500 for each week of delay as liquidated damages.",
         ("liquidated_damages", 2500.0, "EUR_per_week", "delay in delivering the Equipment", None)),
        ("Buyer shall be entitled to retain the deposit as liquidated damages.",
         ("liquidated_damages", None, None, None, None)),
    ],
)
def test_liquidated_damages(sentence: str, expected: tuple) -> None:
    assert summary(penalties(sentence)) == [expected]


def test_liquidated_damages_cap_in_a_later_sentence() -> None:
    text = ("If Vendor misses the Acceptance Date, Vendor shall pay liquidated damages of $1,000 "
            "per calendar day. The aggregate liquidated damages shall not exceed $50,000.")
    assert summary(penalties(text))[0][4] == (50000.0, "USD")


@pytest.mark.parametrize(
    "sentence",
    [
        "Neither party shall be liable for liquidated damages, penalties or punitive damages.",
        "The parties agree that the liquidated damages are a genuine pre-estimate of loss and are "
        "not a penalty.",
        "In no event shall either party's total liability under this Agreement exceed the fees "
        "paid in the twelve (12) months preceding the claim.",
        "Either party may terminate this Agreement if the other party materially breaches it and "
        "fails to cure within thirty (30) days.",
        "Customer shall pay a deposit equal to 10% of the annual fees on signature.",
        "Distributor shall receive a credit of 5% of the purchase price for returned Products.",
        "The Bank may draw on the letter of credit for up to 50% of the amounts owed.",
    ],
)
def test_not_penalties(sentence: str) -> None:
    assert penalties(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "amount", "unit", "trigger"),
    [
        ("Overdue amounts bear interest at 1.5% per month until paid.", 1.5, "percent_per_month",
         "overdue amounts"),
        ("Any amount not paid when due shall accrue interest at the lesser of 1.5% per month or "
         "the maximum rate permitted by law.", 1.5, "percent_per_month",
         "amounts not paid when due"),
        ("Any sum not paid when due shall bear interest at twelve percent (12%) per annum.", 12.0,
         "percent_per_year", "sums not paid when due"),
        ("Past due invoices are subject to interest at the prime rate plus 2%.", 2.0,
         "percent_over_base_rate", "past due invoices"),
        ("All late payments will incur a late charge of $50.00 per day until paid.", 50.0,
         "USD_per_day", "late payments"),
    ],
)
def test_late_payment(sentence: str, amount: float, unit: str, trigger: str) -> None:
    assert summary(penalties(sentence)) == [("late_payment", amount, unit, trigger, None)]


def test_termination_right_for_chronic_sla_failure() -> None:
    text = ("Customer may terminate this Agreement on notice if availability falls below 99.5% in "
            "any three months of a rolling six-month period.")
    assert summary(penalties(text)) == [
        ("termination_right", None, None,
         "availability below 99.5% in any three months of a rolling six-month period", None)]


def test_fee_reduction_for_missed_service_levels() -> None:
    text = ("If the Service Levels are not met in a quarter, the fees shall be reduced by 10% for "
            "that quarter.")
    assert summary(penalties(text)) == [
        ("fee_reduction", 10.0, "percent_of_fees", "the Service Levels are not met in a quarter",
         None)]


def test_every_item_has_evidence_on_its_page() -> None:
    items = penalties("1. Fees\nFees are due within 30 days.",
                      "Late payments bear interest at 1% per month.")
    assert [(p.kind.value, p.evidence.page if p.evidence else None) for p in items] == [
        ("late_payment", 2)]


# -- regressions from labelled contracts (paraphrased) --------------------------------

@pytest.mark.parametrize(
    ("sentence", "amount", "unit"),
    [
        # "Interest shall accrue" (the interest word first), rate named before the figure
        ("Interest shall accrue daily on the Fees not paid when due, at the lesser of the monthly "
         "rate of one and one-half percent (1.5%) or the highest lawful rate.", 1.5,
         "percent_per_month"),
        # the period word too far back for a fixed window
        ("Payment is due in thirty days and any past due balance will accrue interest at the "
         "monthly rate of two percent (2%).", 2.0, "percent_per_month"),
        ("Late invoices bear interest at an annual rate of ten percent (10%).", 10.0,
         "percent_per_year"),
        # damages named "liquidated" but charged for paying late
        ("For each day of delay in paying any Fee, the Client must pay the Provider liquidated "
         "damages at 0.3 percent (0.3%) of the Fee that is due and unpaid.", 0.3,
         "percent_per_day"),
        # no number: redacted, or the legal rate
        ("The Contractor reserves the right to apply [*] finance charges.", None, None),
        ("Should the Buyer fail to pay the Licence Fee on the due date, the Buyer shall pay "
         "interest on the amounts outstanding at the legal rate of interest.", None, None),
    ],
)
def test_late_payment_wording_variants(sentence: str, amount: float | None,
                                       unit: str | None) -> None:
    assert [(p.kind.value, p.amount, p.unit) for p in penalties(sentence)] == [
        ("late_payment", amount, unit)]


def test_one_late_payment_item_without_amount_however_often_restated() -> None:
    text = ("Overdue amounts bear interest at the legal rate. Any sum not paid when due shall "
            "accrue interest at the statutory rate until paid.")
    assert [(p.kind.value, p.amount) for p in penalties(text)] == [("late_payment", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Servicer may waive late payment charges in the ordinary course of business.",
        '"Default Rate" shall mean the prime rate on the first day a payment is overdue.',
        "If the work cannot be performed, the Designer shall refund the fee without any interest "
        "within ten days after the due date.",
        "Should the annual Minimum Royalty not be achieved, the Licensee shall pay the shortfall "
        "within thirty (30) days.",
        "If an audit reveals a shortfall of 5% or more, the Distributor shall reimburse the cost "
        "of the audit.",
        "If the Operator fails to meet the Power Performance Warranty, the Operator will repair or "
        "replace the affected units.",
    ],
)
def test_not_penalties_from_labelled_contracts(sentence: str) -> None:
    assert penalties(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "If the Developer fails to have the portal fully operational within ninety (90) days of "
        "signature, the Customer shall have the right to terminate this Agreement.",
        "Should the platform stay inaccessible for 48 hours after a Priority 1 error is logged and "
        "the Supplier be unable to provide a solution within those 48 hours, the Customer shall "
        "be entitled to terminate this Agreement.",
    ],
)
def test_termination_right_for_a_service_failure(sentence: str) -> None:
    assert [(p.kind.value, p.amount) for p in penalties(sentence)] == [
        ("termination_right", None)]


def test_fee_reduction_for_a_performance_failure_without_amount() -> None:
    text = ("If the Customer loses revenue because the Software fails to perform to its "
            "specifications, the Supplier's service fee shall be decreased accordingly.")
    assert [(p.kind.value, p.amount) for p in penalties(text)] == [("fee_reduction", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "If the Output Guarantee is not met in a Contract Year, the Operator shall pay the Owner "
        "an amount calculated under Schedule 4.",
        "If the efficiency reserve falls below zero, the Operator shall reimburse the Owner for "
        "any fuel cost shortfall within ten (10) days.",
    ],
)
def test_performance_guarantee_payments_are_other(sentence: str) -> None:
    assert [(p.kind.value, p.amount) for p in penalties(sentence)] == [("other", None)]


def test_liquidated_damages_as_a_percentage_with_a_percentage_cap() -> None:
    text = ("If the Contractor fails to complete the Works by the Completion Date, the Contractor "
            "shall pay liquidated damages of one half of one percent (0.5%) of the Contract Price "
            "for each week of delay, up to a maximum of ten percent (10%) of the Contract Price.")
    assert summary(penalties(text)) == [
        ("liquidated_damages", 0.5, "percent_per_week", "delay in completing the Works",
         (10.0, "percent_of_contract_price"))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # later tiers named after the first credit, each with its own condition after it
        ("If Availability falls below 99.9% in a month, Customer receives a service credit of 5% "
         "of the monthly fees, rising to 10% if Availability falls below 99.0% and 25% if it "
         "falls below 95%.",
         [(5.0, "availability below 99.9%"), (10.0, "availability below 99.0%"),
          (25.0, "availability below 95%")]),
        # "N% credit" after a range, tiers separated by semicolons
        ("Service Credits: 99.0% to 99.9% uptime: 5% credit; 98.0% to 98.99%: 10% credit; below "
         "98.0%: 20% credit.",
         [(5.0, "availability below 99.9%"), (10.0, "availability below 98.99%"),
          (20.0, "availability below 98.0%")]),
        # one cell per line: the thresholds and credits alternate
        ("Monthly Uptime Percentage\nService Credit\n99.0% - 99.9%\n10%\n< 99.0%\n25%\n"
         "Credits are the sole remedy.",
         [(10.0, "availability below 99.9%"), (25.0, "availability below 99.0%")]),
    ],
)
def test_service_credit_tiers_in_running_text(text: str, expected: list[tuple]) -> None:
    assert [(p.amount, p.trigger) for p in penalties(text)] == expected


def test_a_cap_with_a_parenthetical_before_the_figure_is_no_credit() -> None:
    items = penalties("Service credits shall not exceed, in aggregate, fifteen percent (15%) of "
                      "the monthly Service Fees.")
    assert summary(items) == [("service_credit", None, None, None,
                               (15.0, "percent_of_monthly_fees"))]


@pytest.mark.parametrize(
    ("sentence", "amount", "unit"),
    [
        ("If the Carrier's vehicle is late, the Carrier shall pay liquidated damages at the "
         "standard rate of RMB800 per trip.", 800.0, "CNY_per_trip"),
        ("Supplier shall pay $2,500 per each late shipment as liquidated damages.", 2500.0,
         "USD_per_shipment"),
        ("If the Supplier fails to deliver on time, it shall pay liquidated damages of US$1,000 "
         "for each calendar day of delay.", 1000.0, "USD_per_day"),
    ],
)
def test_liquidated_damages_per_event_or_period(sentence: str, amount: float, unit: str) -> None:
    assert [(p.kind.value, p.amount, p.unit) for p in penalties(sentence)] == [
        ("liquidated_damages", amount, unit)]
