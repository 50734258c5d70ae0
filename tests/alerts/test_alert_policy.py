"""The alert policy, on contracts extracted from the fixture PDFs (pure: no delivery here).

Dates used below (fixture contracts, as of 2026-11-21):
* msa_sla_exhibit: notice deadline 2026-11-30, term ends 2027-02-28, renews to 2028-02-29,
  whose notice deadline is 2027-12-01;
* saas_subscription: 2026-12-02; maintenance_severity: 2026-12-14;
* mutual_nda: expires 2027-01-05 (no renewal); hosting_service_credits: 2027-05-01.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from alerts import PASSED_LEAD, AlertKind, InvalidLeadDays, TrackedDeadline, plan_alerts
from alerts.policy import (
    alert_key,
    due_reminder,
    missed_deadline,
    most_urgent_due,
    parse_lead_days,
)
from alerts.watchlist import track
from portfolio.models import AlertEntry, DeadlineKind
from portfolio.renewals import deadline_row
from schemas.record import ContractRecord, Duration
from tests.portfolio.generated import portfolio_records

DEFAULT = [90, 60, 30, 14, 7, 1]
OURS = frozenset({"customer", "subscriber", "client", "licensee"})


def d(text: str) -> date:
    return date.fromisoformat(text)


def tracked(
    record: ContractRecord,
    today: date,
    leads: Sequence[int] = DEFAULT,
    ledger: Sequence[AlertEntry] = (),
) -> TrackedDeadline:
    row = deadline_row(record, today, OURS)
    assert row is not None
    return track(record, row, leads).model_copy(update={"ledger": list(ledger)})


def sent(record: ContractRecord, deadline: str, lead: int, channel: str = "mail") -> AlertEntry:
    """A ledger entry as the flow records it after a delivery."""
    kind = DeadlineKind.notice_deadline
    return AlertEntry(
        key=alert_key(record.id, kind, d(deadline), lead, channel), record_id=record.id,
        deadline=d(deadline), lead_days=lead, channel=channel,
        sent_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("days_left", "leads", "expected"),
    [
        (91, DEFAULT, None),
        (90, DEFAULT, 90),
        (89, DEFAULT, 90),
        (60, DEFAULT, 60),
        (9, DEFAULT, 14),
        (7, DEFAULT, 7),
        (1, DEFAULT, 1),
        (0, DEFAULT, 1),  # the deadline is today: the 1-day reminder, if it is still unsent
        (0, [0], 0),
        (8, [30, 7], 30),
        (5, [30, 7], 7),
        (200, [365], 365),
    ],
)
def test_most_urgent_due(days_left: int, leads: list[int], expected: int | None) -> None:
    assert most_urgent_due(days_left, leads) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90, 60,30", [90, 60, 30]), ("7,30,7", [30, 7]), ("0", [0]), ([1, 90], [90, 1])],
)
def test_parse_lead_days(text: str | list[int], expected: list[int]) -> None:
    assert parse_lead_days(text) == expected


@pytest.mark.parametrize("text", ["", " , ", "abc", "30,x", "-1", "4000", "1.5"])
def test_parse_lead_days_refuses(text: str) -> None:
    with pytest.raises(InvalidLeadDays):
        parse_lead_days(text)


def test_alert_key_names_contract_date_lead_and_channel() -> None:
    key = alert_key("ab" * 32, DeadlineKind.notice_deadline, d("2026-11-30"), 14, "mailto:123")
    assert key == f"{'ab' * 32}:notice_deadline:2026-11-30:14d:mailto:123"
    passed = alert_key("ab" * 32, DeadlineKind.renewal, d("2026-11-30"), PASSED_LEAD, "x")
    assert passed.endswith(":renewal:2026-11-30:passed:x")


def test_reminder_sent_once_then_the_next_lead(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    first = due_reminder(tracked(msa, d("2026-11-21")), "mail", d("2026-11-21"))
    assert first is not None
    assert (first.kind, first.deadline, first.lead_days, first.days_left) == (
        AlertKind.reminder, d("2026-11-30"), 14, 9)
    assert first.renews_until == d("2028-02-29")
    ledger = [sent(msa, "2026-11-30", 14)]
    assert first.key == ledger[0].key
    # the next day the 14-day reminder is still the most urgent due: already sent
    assert due_reminder(tracked(msa, d("2026-11-22"), ledger=ledger), "mail", d("2026-11-22")) \
        is None
    # 7 days before, the 7-day reminder is due
    week = due_reminder(tracked(msa, d("2026-11-23"), ledger=ledger), "mail", d("2026-11-23"))
    assert week is not None and week.lead_days == 7


def test_deadline_today_still_gets_its_last_reminder(
    fixture_records: dict[str, ContractRecord],
) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    ledger = [sent(msa, "2026-11-30", lead) for lead in (90, 60, 30, 14, 7)]
    alert = due_reminder(tracked(msa, d("2026-11-30"), ledger=ledger), "mail", d("2026-11-30"))
    assert alert is not None and (alert.lead_days, alert.days_left) == (1, 0)


def test_catch_up_sends_one_alert_per_deadline(fixture_records: dict[str, ContractRecord]) -> None:
    """A first run (or one after long downtime) sends the most urgent reminder only."""
    today = d("2026-11-21")
    items = [tracked(r, today) for r in fixture_records.values()
             if (row := deadline_row(r, today)) is not None and row.days_left >= 0]
    alerts = plan_alerts(items, ["mail"], today)
    assert [(a.row.filename, a.deadline, a.lead_days) for a in alerts] == [
        ("msa_sla_exhibit.pdf", d("2026-11-30"), 14),
        ("saas_subscription.pdf", d("2026-12-02"), 14),
        ("maintenance_severity.pdf", d("2026-12-14"), 30),
        ("mutual_nda.pdf", d("2027-01-05"), 60),
    ]  # hosting (2027-05-01, 161 days) is not due yet


def test_each_channel_has_its_own_ledger(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    item = tracked(msa, d("2026-11-21"), ledger=[sent(msa, "2026-11-30", 14, "mail")])
    alerts = plan_alerts([item], ["mail", "chat"], d("2026-11-21"))
    assert [(a.channel, a.lead_days) for a in alerts] == [("chat", 14)]


def test_per_contract_lead_days(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    alert = due_reminder(tracked(msa, d("2026-11-21"), leads=[30, 7]), "mail", d("2026-11-21"))
    assert alert is not None and alert.lead_days == 30 and alert.schedule == [30, 7]


def test_next_years_deadline_starts_a_fresh_set(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    ledger = [sent(msa, "2026-11-30", lead) for lead in DEFAULT]
    today = d("2027-11-20")
    alerts = plan_alerts([tracked(msa, today, ledger=ledger)], ["mail"], today)
    reminders = [a for a in alerts if a.kind is AlertKind.reminder]
    assert [(a.deadline, a.lead_days) for a in reminders] == [(d("2027-12-01"), 14)]


def test_deadline_passed_once(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    ledger = [sent(msa, "2026-11-30", 14), sent(msa, "2026-11-30", 7)]
    today = d("2026-12-01")
    alert = missed_deadline(tracked(msa, today, ledger=ledger), "mail", today)
    assert alert is not None
    assert (alert.kind, alert.deadline, alert.lead_days, alert.days_left) == (
        AlertKind.passed, d("2026-11-30"), PASSED_LEAD, -1)
    assert alert.row.current_term_end == d("2028-02-29")  # renewed until
    assert alert.row.due_date == d("2027-12-01")  # the next deadline
    done = [*ledger, AlertEntry(key=alert.key, record_id=msa.id, deadline=alert.deadline,
                                lead_days=PASSED_LEAD, channel="mail",
                                sent_at=datetime(2026, 12, 1, tzinfo=UTC))]
    assert missed_deadline(tracked(msa, today, ledger=done), "mail", today) is None


def test_no_passed_message_without_a_warning_first(
    fixture_records: dict[str, ContractRecord],
) -> None:
    """Nobody was warned about it (new contract, or another channel): no stale news."""
    msa = fixture_records["msa_sla_exhibit"]
    today = d("2026-12-01")
    assert missed_deadline(tracked(msa, today), "mail", today) is None
    chat_only = [sent(msa, "2026-11-30", 14, "chat")]
    assert missed_deadline(tracked(msa, today, ledger=chat_only), "mail", today) is None


def test_expiring_contract_gets_no_passed_message(
    fixture_records: dict[str, ContractRecord],
) -> None:
    nda = fixture_records["mutual_nda"]
    ledger = [sent(nda, "2027-01-05", 7)]
    today = d("2026-12-20")
    assert missed_deadline(tracked(nda, today, ledger=ledger), "mail", today) is None


def test_passed_news_comes_first(fixture_records: dict[str, ContractRecord]) -> None:
    msa, saas = fixture_records["msa_sla_exhibit"], fixture_records["saas_subscription"]
    today = d("2026-12-01")
    items = [tracked(saas, today), tracked(msa, today, ledger=[sent(msa, "2026-11-30", 1)])]
    alerts = plan_alerts(items, ["mail"], today)
    assert [(a.kind, a.row.filename) for a in alerts] == [
        (AlertKind.passed, "msa_sla_exhibit.pdf"),
        (AlertKind.reminder, "saas_subscription.pdf"),
    ]


def _with_notice(record: ContractRecord, days: int) -> ContractRecord:
    """`record` as a correction of its notice period leaves it (`contracts correct`)."""
    renewal = record.renewal.model_copy(update={"notice_period": Duration(count=days,
                                                                          unit="days")})
    return record.model_copy(update={"renewal": renewal})


def test_no_passed_message_for_a_date_a_correction_replaced(
    fixture_records: dict[str, ContractRecord],
) -> None:
    """The 30-day reminder went out for 2026-11-30, then the notice period was corrected
    from 90 to 60 days: the deadline of the same term is now 2026-12-30. When 2026-11-30
    goes by nothing has passed and nothing renewed: no "deadline passed" message (it
    would say "renewed until 2027-02-28", the end of the term still in force)."""
    msa = _with_notice(fixture_records["msa_sla_exhibit"], 60)
    ledger = [sent(msa, "2026-11-30", 30)]
    today = d("2026-12-01")
    item = tracked(msa, today, ledger=ledger)
    assert (item.row.due_date, item.row.current_term_end) == (d("2026-12-30"), d("2027-02-28"))
    assert missed_deadline(item, "mail", today) is None
    assert [(a.kind, a.deadline, a.lead_days) for a in plan_alerts([item], ["mail"], today)] \
        == [(AlertKind.reminder, d("2026-12-30"), 30)]
    # when the corrected deadline itself goes by, that is the news, once
    later = d("2026-12-31")
    ledger.append(sent(msa, "2026-12-30", 1))
    alert = missed_deadline(tracked(msa, later, ledger=ledger), "mail", later)
    assert alert is not None
    assert (alert.deadline, alert.row.current_term_end) == (d("2026-12-30"), d("2028-02-29"))


def test_previous_term_end_is_where_the_last_deadline_belonged() -> None:
    """Exact to the day on every generated contract and many days: the term before the
    row's term ends on the day `previous_term_end` says (None while in the first term),
    so a reminded deadline of that term always qualifies for "deadline passed" news."""
    from portfolio.renewals import term_inputs
    from schemas.terms import notice_deadline, roll_forward

    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 1500, 131)]
    checked = 0
    for record in portfolio_records(80):
        for today in days:
            row = deadline_row(record, today)
            if row is None or row.kind is DeadlineKind.expiration:
                continue
            item = track(record, row, DEFAULT)
            if item.renewals_elapsed == 0:
                assert item.previous_term_end is None
                continue
            end = item.previous_term_end
            assert end is not None and end < row.current_term_end
            act_by = notice_deadline(end, row.notice_period) if row.notice_period else end
            before = deadline_row(record, act_by)  # the last day that term could be stopped
            assert before is not None and before.due_date == act_by, (record.id, today)
            # that term, or an earlier one with the very same act-by date (daily renewals on
            # business days' notice: Saturday's, Sunday's and Monday's terms share a Thursday)
            assert before.current_term_end <= end, (record.id, today)
            # and exactly the end `roll_forward` gives the term after `renewals_elapsed - 1`
            inputs = term_inputs(record)
            assert inputs.initial_term_end is not None
            chain = roll_forward(inputs.initial_term_end, inputs.renewal_term, None, date.min,
                                 past_terms=item.renewals_elapsed - 1)
            assert chain.current_term_end == end, (record.id, today)
            checked += 1
    assert checked > 100
