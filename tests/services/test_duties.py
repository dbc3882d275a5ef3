"""The duties after an order, on both databases: a change starts a new 3-day window with its
reminders (DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4)); an exemption stops the false "notification
missing" alerts (DAA 2021 s41(8); SPA 2019 s9(1)(a), (5)); electronic monitoring is refused beyond
12 months (DAA 2021 s38(5)); an unheard notice lapses at the literal time (BFDA 1971 Sch 1); a
DAPN or DAPO is refused where no commencement scheme covers the force (S.I. 2024/1191 and after)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from models import metadata
from rules.notification import Change, Exemption
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, DomainError, ValidationFailed
from services.records import checks, duties, lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.reminders import digest
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def rows(ctx: ServiceContext, name: str) -> list[dict[str, object]]:
    table = metadata.tables[name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def reminders(ctx: ServiceContext, prefix: str) -> list[dict[str, object]]:
    return [r for r in rows(ctx, "reminder") if str(r["kind"]).startswith(prefix)]


def order(order_type: OrderType, made: str, **more: object) -> NewRecord:
    return NewRecord(
        order_type=order_type,
        made_at=london(made),
        until_further_order=True,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        **more,  # type: ignore[arg-type]
    )


def notice(order_type: OrderType, served: str) -> NewRecord:
    return NewRecord(
        order_type=order_type,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        protected=(PersonInput("Sam Sample", date(1991, 2, 2)),),
    )


# --- repeat notification windows -------------------------------------------------------------------


def test_a_change_of_address_starts_a_new_window_with_its_reminders(ctx: ServiceContext, force: Force) -> None:
    dapo = records.record(ctx, force.officer, order(OrderType.DAPO, "2026-04-01 11:00"))
    checks.record_notification(ctx, force.officer, dapo.reference, london("2026-04-01 15:00"))
    # Moved Thu 2 Apr 2026 09:00: s41(5) "three days beginning with the day on which that happens" is
    # 2, 3 and 4 Apr, so the window ends Sun 5 Apr 00:00 BST.
    view = duties.record_change(ctx, force.officer, dapo.reference, Change.ADDRESS, london("2026-04-02 09:00"))
    [window] = [d for d in view.deadlines if d.citation == "DAA 2021 s41(5)"]
    assert window.at == london("2026-04-05 00:00") and view.notification_awaited
    first, change = rows(ctx, "notification")
    assert first["received_at"] is not None
    assert (change["kind"], change["change"], change["due_at"]) == ("change", "address", london("2026-04-05 00:00"))
    assert change["happened_at"] == london("2026-04-02 09:00")
    # The morning of the last day (4 Apr 08:00) to the officer; once it has ended, the officer and the
    # supervisor: its end (midnight) is in the quiet hours, so that alert waits for 08:00.
    [due] = reminders(ctx, "notification_change_due:")
    assert due["due_at"] == london("2026-04-04 08:00")
    missing = reminders(ctx, "notification_change_missing:")
    assert {r["due_at"] for r in missing} == {london("2026-04-05 08:00")} and len(missing) == 2
    # Each notification row has its creation audited: the first one awaited from the order, then this.
    initial, created = audit_rows(ctx.engine, entity_type="notification", action="create")
    assert initial["entity_id"] == first["id"]
    assert created["entity_id"] == change["id"] and created["actor"] == f"slack:{force.officer}"


def test_the_change_notified_stops_its_reminders(ctx: ServiceContext, force: Force) -> None:
    dapo = records.record(ctx, force.officer, order(OrderType.DAPO, "2026-04-01 11:00"))
    checks.record_notification(ctx, force.officer, dapo.reference, london("2026-04-01 15:00"))
    duties.record_change(ctx, force.officer, dapo.reference, Change.NAME, london("2026-04-02 09:00"))
    view = checks.record_notification(ctx, force.officer, dapo.reference, london("2026-04-02 20:00"))
    assert view.warnings == ()
    assert all(r["received_at"] is not None for r in rows(ctx, "notification"))
    assert {r["state"] for r in reminders(ctx, "notification_change_")} == {"cancelled"}


def test_a_change_learnt_of_after_its_window_is_flagged_at_once(ctx: ServiceContext, force: Force) -> None:
    dapo = records.record(ctx, force.officer, order(OrderType.DAPO, "2026-03-20 11:00"))
    # Moved Wed 25 Mar: 25, 26, 27 Mar; the window ended 28 Mar 00:00, before today (2 Apr).
    view = duties.record_change(ctx, force.officer, dapo.reference, Change.ADDRESS, london("2026-03-25 10:00"))
    assert any("ended Fri 27 Mar 2026 (DAA 2021 s41(5))" in str(w) for w in view.warnings)
    # The missed-window alert still goes (fire if late), to the officer and the supervisor.
    assert [r["state"] for r in reminders(ctx, "notification_change_missing:")] == ["pending", "pending"]


def test_a_change_an_spo_does_not_name_is_refused_and_nothing_is_written(ctx: ServiceContext, force: Force) -> None:
    spo = records.record(ctx, force.officer, order(OrderType.SPO, "2026-04-01 11:00"))
    before = row_counts(ctx.engine)
    with pytest.raises(DomainError, match="no-address"):
        duties.record_change(ctx, force.officer, spo.reference, Change.NO_ADDRESS, london("2026-04-02 09:00"))
    with pytest.raises(ValidationFailed, match="future"):
        duties.record_change(ctx, force.officer, spo.reference, Change.ADDRESS, london("2026-04-03 09:00"))
    assert row_counts(ctx.engine) == before


# --- exemptions -----------------------------------------------------------------------------------


def test_an_exemption_given_at_record_time_owes_no_notification_and_raises_no_alarm(
    ctx: ServiceContext, force: Force
) -> None:
    # DAA s41(8)(a): "subject to another domestic abuse protection order (and accordingly those
    # requirements already apply)".
    dapo = records.record(
        ctx, force.officer, order(OrderType.DAPO, "2026-03-20 11:00", notification_exempt=Exemption.ANOTHER_DAPO)
    )
    assert rows(ctx, "notification") == []
    assert reminders(ctx, "notification_") == []
    assert rows(ctx, "protection_order")[0]["notification_exempt"] == "another-dapo"
    assert not dapo.notification_awaited and all("s41" not in d.citation for d in dapo.deadlines)
    with pytest.raises(Conflict, match=r"exempt from the notification duties \(DAA 2021 s41\(8\)\(a\)"):
        duties.record_change(ctx, force.officer, dapo.reference, Change.ADDRESS, london("2026-04-01 10:00"))
    with pytest.raises(Conflict, match=r"exempt from notifying \(DAA 2021 s41\(8\)\(a\)"):
        checks.record_notification(ctx, force.officer, dapo.reference, london("2026-04-01 10:00"))


def test_an_exemption_recorded_later_cancels_the_false_alarms(ctx: ServiceContext, force: Force) -> None:
    # Made 20 Mar: the window (20, 21, 22 Mar) ended 23 Mar 00:00, so "notification missing" is pending.
    dapo = records.record(ctx, force.officer, order(OrderType.DAPO, "2026-03-20 11:00"))
    assert {r["state"] for r in reminders(ctx, "notification_missing:")} == {"pending"}
    view = duties.record_exemption(ctx, force.supervisor, dapo.reference, Exemption.SEX_OFFENDER)
    assert {r["state"] for r in reminders(ctx, "notification_missing:")} == {"cancelled"}
    assert any("DAA 2021 s41(8)(b)" in str(w) for w in view.warnings)
    [update] = audit_rows(ctx.engine, entity_type="protection_order", action="update")
    assert update["after"]["notification_exempt"] == "sex-offender"  # type: ignore[index]


def test_an_spo_replacing_an_interim_spo_owes_changes_but_not_the_first(ctx: ServiceContext, force: Force) -> None:
    spo = records.record(
        ctx, force.officer, order(OrderType.SPO, "2026-03-20 11:00", notification_exempt=Exemption.REPLACES_INTERIM)
    )
    assert rows(ctx, "notification") == [] and reminders(ctx, "notification_missing:") == []
    duties.record_change(ctx, force.officer, spo.reference, Change.ADDRESS, london("2026-04-02 09:00"))
    assert len(reminders(ctx, "notification_change_missing:")) == 2
    # The change notified settles the change's row: there is no first notification to take it.
    checks.record_notification(ctx, force.officer, spo.reference, london("2026-04-02 12:00"))
    [given] = rows(ctx, "notification")
    assert given["kind"] == "change" and given["received_at"] == london("2026-04-02 12:00")


def test_an_exemption_the_type_does_not_have_is_refused(ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed, match="does not exempt a DAPO"):
        records.record(
            ctx,
            force.officer,
            order(OrderType.DAPO, "2026-04-01 11:00", notification_exempt=Exemption.REPLACES_INTERIM),
        )
    assert row_counts(ctx.engine) == before


# --- electronic monitoring ------------------------------------------------------------------------


def test_monitoring_is_recorded_with_reminders_and_refused_beyond_twelve_months(
    ctx: ServiceContext, force: Force
) -> None:
    dapo = records.record(ctx, force.officer, order(OrderType.DAPO, "2026-04-01 11:00"))
    # 12 months beginning with Wed 1 Apr 2026 end the day before 1 Apr 2027: the last day is 31 Mar 2027.
    before = row_counts(ctx.engine)
    with pytest.raises(
        DomainError, match=r"31 Mar 2027 at the latest \(|more than 12 months \(DAA 2021 s38\(5\)-\(6\)\)"
    ):
        duties.record_monitoring(ctx, force.officer, dapo.reference, date(2027, 4, 1))
    assert row_counts(ctx.engine) == before
    view = duties.record_monitoring(ctx, force.officer, dapo.reference, date(2027, 3, 31))
    [ends] = [d for d in view.deadlines if d.label == "Electronic monitoring ends"]
    assert ends.at == london("2027-04-01 00:00")
    stored = rows(ctx, "protection_order")[0]
    assert stored["monitoring_starts_at"] == london("2026-04-01 11:00")
    assert stored["monitoring_ends_at"] == london("2027-04-01 00:00")
    # Like an expiry: 7 and 2 days before the last day, and on it, at 08:00.
    due = {r["kind"]: r["due_at"] for r in reminders(ctx, "monitoring_ends_")}
    assert due == {
        "monitoring_ends_in_7d": london("2027-03-24 08:00"),
        "monitoring_ends_in_2d": london("2027-03-29 08:00"),
        "monitoring_ends_today": london("2027-03-31 08:00"),
    }


def test_monitoring_on_a_dvpo_is_refused(ctx: ServiceContext, force: Force) -> None:
    dvpo = records.record(
        ctx,
        force.officer,
        NewRecord(
            order_type=OrderType.DVPO,
            made_at=london("2026-04-01 11:00"),
            duration_days=28,
            perpetrator=PersonInput("Alex Example"),
        ),
    )
    with pytest.raises(DomainError, match="only a DAPO"):
        duties.record_monitoring(ctx, force.officer, dvpo.reference, date(2026, 4, 20))


# --- the literal lapse ----------------------------------------------------------------------------


def test_a_notice_over_a_saturday_boxing_day_lapses_at_the_literal_time(
    ctx: ServiceContext, force: Force, clock
) -> None:  # type: ignore[no-untyped-def]
    # DVPN served Thu 24 Dec 2026 10:00. Countdowns count Sat 26 Dec (policy): 14 h + 24 h + 10 h = Tue
    # 29 Dec 10:00. Literally Sat 26 Dec is a bank holiday (BFDA 1971 Sch 1): 14 h Thu, 24 h Tue 29,
    # 10 h Wed 30 = Wed 30 Dec 10:00, when the notice lapses and the PNC alert goes.
    clock.set(london("2026-12-24 12:00"))
    dvpn = records.record(ctx, force.officer, notice(OrderType.DVPN, "2026-12-24 10:00"))
    [hearing] = [d for d in dvpn.deadlines if d.citation == "CSA 2010 s27(3)-(4)"]
    assert hearing.at == london("2026-12-29 10:00")
    assert any("lapses at Wed 30 Dec 2026 10:00 GMT" in line for line in hearing.explanation)
    stored = rows(ctx, "protection_order")[0]
    assert stored["hearing_deadline_at"] == london("2026-12-29 10:00")
    assert stored["lapses_at"] == london("2026-12-30 10:00")
    assert {r["due_at"] for r in reminders(ctx, "notice_lapsed:")} == {london("2026-12-30 10:00")}
    assert {r["due_at"] for r in reminders(ctx, "hearing_deadline_in_2h")} == {london("2026-12-29 08:00")}
    clock.set(london("2026-12-29 12:00"))  # past the countdowns' deadline, not the law's
    assert dvpn.reference not in _digest_lapsed(ctx, force)
    assert dvpn.reference not in lifecycle.apply_time(ctx).lapsed
    clock.set(london("2026-12-30 10:05"))
    assert dvpn.reference in lifecycle.apply_time(ctx).lapsed
    assert _digest_lapsed(ctx, force) == [dvpn.reference]
    ended = rows(ctx, "protection_order")[0]
    assert ended["status"] == "lapsed" and ended["closed_at"] == london("2026-12-30 10:00")
    assert "literal reading" in str(ended["close_reason"])


def _digest_lapsed(ctx: ServiceContext, force: Force) -> list[str]:
    """The references in the team digest's "lapsed: remove it from the PNC" section."""
    [team] = digest.digest_for(ctx, force.supervisor)
    return [item.reference for section in team.sections if section.key == "lapsed" for item in section.items]


# --- where and when a type is law -----------------------------------------------------------------


def test_a_dapn_is_refused_where_no_scheme_covers_the_force_and_nothing_is_written(
    ctx: ServiceContext, force: Force
) -> None:
    manchester = replace(ctx, settings=replace(ctx.settings, force_areas=("greater-manchester",)))
    before = row_counts(ctx.engine)
    # Given Thu 2 Apr 2026: S.I. 2024/1191's period, extended by S.I. 2025/1222, ended 31 Mar 2026.
    with pytest.raises(ValidationFailed, match=r"none covers this force's area on 02 Apr 2026.*S\.I\. 2024/1191"):
        records.record(manchester, force.officer, notice(OrderType.DAPN, "2026-04-02 20:00"))
    assert row_counts(ctx.engine) == before
    wales = replace(ctx, settings=replace(ctx.settings, force_areas=("north-wales",)))
    with pytest.raises(ValidationFailed, match=r"S\.I\. 2025/515"):
        records.record(wales, force.officer, order(OrderType.DAPO, "2026-04-01 11:00"))
    # A DVPN is law everywhere (DAA 2021 s55 not commenced).
    assert records.record(manchester, force.officer, notice(OrderType.DVPN, "2026-04-02 20:00")).warnings == ()


def test_a_dapo_made_lawfully_stays_valid_after_its_scheme_ends(ctx: ServiceContext, force: Force) -> None:
    manchester = replace(ctx, settings=replace(ctx.settings, force_areas=("greater-manchester",)))
    # Made Tue 31 Mar 2026, the last day of the extended period: lawful, recorded without a warning.
    dapo = records.record(manchester, force.officer, order(OrderType.DAPO, "2026-03-31 11:00"))
    assert not any("commencement" in str(w) or "DVPN_FORCE_AREAS" in str(w) for w in dapo.warnings)
    # On 2 Apr, after the scheme ended, it is still in force and its duties are still recorded.
    duties.record_change(manchester, force.officer, dapo.reference, Change.ADDRESS, london("2026-04-02 09:00"))
    assert rows(ctx, "protection_order")[0]["status"] == "active"


def test_with_no_areas_set_a_dapn_is_recorded_with_a_warning_to_check(ctx: ServiceContext, force: Force) -> None:
    view = records.record(ctx, force.officer, notice(OrderType.DAPN, "2026-04-02 20:00"))
    assert any("DVPN_FORCE_AREAS" in str(w) and "S.I. 2024/1191" in str(w) for w in view.warnings)
