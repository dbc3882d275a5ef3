"""Daily digests: at 07:00 local on clock-change days and bank holidays, exactly once across
racing processes, late after downtime (until the late limit), privacy-safe, within Slack's limits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.slack_api import SlackWebAPI
from models import Role
from scheduler.digests import send_due_digests
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.governance import staff
from services.records import breaches
from services.records import recording as records
from services.reminders.digest import digest_for
from tests.support.block_limits import check_recorded_call
from tests.support.database import audit_rows
from tests.support.force import Force
from tests.support.records import PERSONAL, dvpn
from tests.support.sweeps import WORKER, at, make_notifier, rows

PRIVATE = PERSONAL


@pytest.fixture
def channel_for_team_b(ctx: ServiceContext, force: Force) -> str:
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE team SET digest_channel = 'CPPUB' WHERE name = 'Team B'")
    return "CPPUB"


def digests_posted(slack: SlackWebAPI) -> list[tuple[str, str]]:
    return [(c["channel"], str(c["text"])) for c in slack.calls("chat.postMessage")]


@pytest.mark.parametrize(
    "day, utc_hour",
    [
        ("2026-03-29", 6),  # clocks go forward at 01:00 GMT: 07:00 BST is 06:00 UTC
        ("2026-10-25", 7),  # clocks go back at 02:00 BST: 07:00 GMT is 07:00 UTC
        ("2026-04-06", 6),  # Easter Monday, a bank holiday: supervisors still get their digest
    ],
)
def test_the_digest_goes_out_at_seven_local_on_clock_change_days_and_bank_holidays(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack: SlackWebAPI,
    notifier: SlackNotifier,
    channel_for_team_b: str,
    day: str,
    utc_hour: int,
) -> None:
    clock.set(at(f"{day} 06:59"))
    assert send_due_digests(ctx, notifier, WORKER).sent == []
    clock.set(at(f"{day} 07:00"))
    assert clock.now() == datetime.fromisoformat(f"{day}T{utc_hour:02d}:00").replace(tzinfo=UTC)

    result = send_due_digests(ctx, notifier, WORKER)
    clock.advance(timedelta(minutes=1))
    again = send_due_digests(ctx, notifier, WORKER)

    assert result.sent == ["Team A", "Team B"] and again.sent == []
    local = datetime.fromisoformat(day)
    assert digests_posted(slack) == [
        ("DSUPA", f"Daily digest for Team A, {local:%a %d %b}: nothing to report"),  # a DM: Team A has no channel
        ("CPPUB", f"Daily digest for Team B, {local:%a %d %b}: nothing to report"),
    ]
    assert [(r["state"], str(r["local_date"])) for r in rows(ctx, "digest_run")] == [("sent", day), ("sent", day)]


def test_two_processes_racing_for_the_same_digest_send_one(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, channel_for_team_b: str
) -> None:
    clock.set(at("2026-04-03 07:00"))
    start = threading.Barrier(2)
    sent: dict[str, list[str]] = {}

    def process(name: str) -> None:
        notifier = make_notifier(slack)
        start.wait()
        sent[name] = send_due_digests(ctx, notifier, name).sent

    threads = [threading.Thread(target=process, args=(f"process-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(sent["process-0"] + sent["process-1"]) == ["Team A", "Team B"]
    assert sorted(c for c, _ in digests_posted(slack)) == ["CPPUB", "DSUPA"]
    assert len(rows(ctx, "digest_run")) == 2


def test_a_digest_missed_while_down_is_sent_late_until_the_late_limit(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    clock.set(at("2026-04-03 09:30"))  # down from before 07:00 until now
    assert send_due_digests(ctx, notifier, WORKER).sent == ["Team A"]
    [(channel, text)] = digests_posted(slack)
    assert channel == "DSUPA" and text.endswith("(late: due 07:00)")
    assert "Sent late (late: due 07:00)" in str(slack.calls("chat.postMessage")[0].blocks)
    assert rows(ctx, "digest_run")[0]["late"] is True

    clock.set(at("2026-04-04 12:00"))  # next day, down until the late limit (DVPN_DIGEST_LATE_UNTIL)
    result = send_due_digests(ctx, notifier, WORKER)
    assert result.sent == [] and result.skipped == ["Team A", "Team B"]  # Team B has nowhere to send one
    assert len(slack.calls("chat.postMessage")) == 1
    assert [(str(r["local_date"]), r["state"]) for r in rows(ctx, "digest_run", team_id=1)] == [
        ("2026-04-03", "sent"),
        ("2026-04-04", "skipped"),
    ]


def test_a_digest_to_several_supervisors_retries_only_those_it_missed(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI
) -> None:
    staff.set_role(ctx, force.admin, "USUPA2", Role.SUPERVISOR)
    staff.add_supervisor(ctx, force.admin, "USUPA2", "Team A")
    notifier = make_notifier(slack, retries=0)
    clock.set(at("2026-04-03 07:00"))
    slack.fail(200, method="chat.postMessage", error="ratelimited", times=1)  # the first DM fails...
    first = send_due_digests(ctx, notifier, WORKER)
    assert first.retrying == ["Team A"]
    assert [c["channel"] for c in slack.calls("chat.postMessage")] == ["DSUPA2"]  # ...the second went
    clock.advance(timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds))
    second = send_due_digests(ctx, notifier, WORKER)
    assert second.sent == ["Team A"]
    assert sorted(c for c, _ in digests_posted(slack)) == ["DSUPA", "DSUPA2"]  # each supervisor exactly once


class SlowDMs:
    """A Slack whose every post takes `seconds` of the test's clock; a post still under way when the
    digest run's lease has run out lets another process check for digests first, as a second bot
    process would."""

    def __init__(self, ctx: ServiceContext, notifier: SlackNotifier, clock: ManualClock, seconds: int) -> None:
        self.ctx, self.notifier, self.clock, self.seconds = ctx, notifier, clock, seconds
        self.lease_until = clock.now() + timedelta(seconds=ctx.settings.reminders.claim_lease_seconds)
        self.other: list[object] = []

    def post(self, **kwargs: Any) -> Any:
        self.clock.advance(timedelta(seconds=self.seconds))
        if self.clock.now() >= self.lease_until and not self.other:
            self.other.append(send_due_digests(self.ctx, self.notifier, "other-process"))
        return self.notifier.post(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.notifier, name)


def test_a_digest_post_is_not_begun_with_too_little_lease_left_so_a_take_over_cannot_double_it(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    """Three supervisors' DMs, each post taking 50 s of a 120 s lease: the third would begin with 20 s
    left and land after another process had taken the run over, found nothing in Slack yet, and
    posted it too. With DVPN_POST_LEASE_MARGIN_SECONDS (30) it is handed back instead, and whoever
    takes the run next posts only the DM still missing."""
    policy = ctx.settings.reminders
    assert (policy.claim_lease_seconds, policy.post_lease_margin_seconds) == (120, 30)
    for supervisor in ("USUPA2", "USUPA3"):
        staff.set_role(ctx, force.admin, supervisor, Role.SUPERVISOR)
        staff.add_supervisor(ctx, force.admin, supervisor, "Team A")
    clock.set(at("2026-04-03 07:00"))
    slow = SlowDMs(ctx, notifier, clock, seconds=50)

    first = send_due_digests(ctx, slow, WORKER)  # type: ignore[arg-type]

    assert first.retrying == ["Team A"] and slow.other == []  # no post was under way past the lease
    assert sorted(c for c, _ in digests_posted(slack)) == ["DSUPA", "DSUPA2"]
    [run] = rows(ctx, "digest_run", team_id=1)
    assert (run["state"], run["attempts"], sorted(run["delivered"])) == ("claimed", 0, ["USUPA", "USUPA2"])
    assert send_due_digests(ctx, notifier, "other-process").sent == ["Team A"]  # handed back: at once
    assert sorted(c for c, _ in digests_posted(slack)) == ["DSUPA", "DSUPA2", "DSUPA3"]  # each exactly once
    assert rows(ctx, "digest_run", team_id=1)[0]["state"] == "sent"


def test_the_digest_lists_what_a_supervisor_must_see_with_references_and_initials_only(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier
) -> None:
    for n in range(17):  # more notices than the work for today shows
        records.record(ctx, force.officer, dvpn(served=f"2026-04-02 {3 + n:02d}:00"))
    breaches.record_breach(ctx, force.officer, "WM-DVPN-2026-0001", at("2026-04-02 20:30"))
    clock.set(at("2026-04-03 07:00"))
    sweep_once(ctx, notifier, WORKER)
    slack.clear()

    send_due_digests(ctx, notifier, WORKER)

    [post] = slack.calls("chat.postMessage")
    check_recorded_call(post.method, post.args)  # valid Block Kit within Slack's limits
    body = str(post.blocks) + str(post["text"])
    assert not [word for word in PRIVATE if word in body]
    texts = [b["text"]["text"] for b in post.blocks if b["type"] == "section"]
    assert texts[0] == "*Needs action today* (17)"
    lines = texts[1:16]
    # Most urgent first: the earliest hearing deadline leads; each record once, with its other items.
    assert lines[0].startswith("*WM-DVPN-2026-0001* (APE) DVPN: no hearing booked; must be heard by Tue 07 Apr")
    assert "; also breach check OVERDUE since" in lines[0] and "has no crime reference" in lines[0]
    assert "<@UOFFA1>" in lines[0] and "_still open since Thu_" in lines[0]  # a DM names the officer
    assert [line.split("*")[1] for line in lines] == [f"WM-DVPN-2026-{n:04d}" for n in range(1, 16)]
    assert [b["accessory"]["text"]["text"] for b in post.blocks[2:17]] == ["Nudge officer"] * 15
    assert "… and 2 more: `/dvpn list due`" in body
    assert "*17* new records in the last 24 hours: `/dvpn list team`" in body
    assert "Breaches in the last 24 hours" not in body and "In the last 24 hours" not in body  # listed above
    assert "*0*" not in body  # no count of nothing
    assert len(post.blocks) <= 50


def test_the_digest_on_demand_for_each_role(ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())
    [mine] = digest_for(ctx, force.supervisor, None)
    assert (mine.team_name, mine.total > 0) == ("Team A", True)
    assert [d.team_name for d in digest_for(ctx, force.champion, None)] == ["Team A", "Team B"]
    assert [d.team_name for d in digest_for(ctx, force.admin, "team b")] == ["Team B"]
    with pytest.raises(NotAllowed, match="do not supervise Team B"):
        digest_for(ctx, force.supervisor, "Team B")
    assert [d.team_name for d in digest_for(ctx, force.officer, None)] == ["Team A"]
    with pytest.raises(NotAllowed, match="are not in Team B"):
        digest_for(ctx, force.officer, "Team B")
    with pytest.raises(NotAllowed, match="not in a team yet"):
        digest_for(ctx, force.newcomer, None)
    with pytest.raises(NotFound):
        digest_for(ctx, force.admin, "Team Z")
    assert len(audit_rows(ctx.engine, entity_type="digest", action="view")) == 5


def test_a_digest_due_during_a_slack_outage_spends_no_attempt_and_goes_out_once_after(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, channel_for_team_b: str
) -> None:
    notifier = make_notifier(slack, retries=0)
    clock.set(at("2026-04-03 07:00"))
    with slack.outage():
        for _ in range(ctx.settings.reminders.max_send_attempts + 2):  # more checks than attempts allowed
            during = send_due_digests(ctx, notifier, WORKER)
            assert during.sent == [] and len(during.retrying) == 1  # halted at the first: the other waits too
            clock.advance(timedelta(minutes=1))
    assert {(r["state"], r["attempts"]) for r in rows(ctx, "digest_run")} == {("claimed", 0)}

    after = send_due_digests(ctx, notifier, WORKER)

    assert after.sent == ["Team A", "Team B"]
    assert sorted(c for c, _ in digests_posted(slack)) == ["CPPUB", "DSUPA"]
    assert {(r["state"], r["attempts"]) for r in rows(ctx, "digest_run")} == {("sent", 1)}


def test_a_channel_the_bot_is_not_in_gets_the_admins_told_how_to_invite_it_once(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack: SlackWebAPI,
    notifier: SlackNotifier,
    channel_for_team_b: str,
) -> None:
    clock.set(at("2026-04-07 07:00"))
    # Team A's supervisor's DM is refused too: a DM is no channel to invite the bot to.
    slack.fail(200, method="chat.postMessage", error="not_in_channel", times=2)

    first = send_due_digests(ctx, notifier, WORKER)

    posts = slack.calls("chat.postMessage")
    told = [c for c in posts if c["channel"] == f"D{force.admin.removeprefix('U')}"]
    [dm] = told
    assert dm["text"] == (
        ":warning: dvpn-bot could not post Team B's digest to <#CPPUB>: it is not a member of that channel. "
        "To let it in, type `/invite @dvpn-bot` in <#CPPUB>. The digest is posted there once it is in."
    )
    assert "`/dvpn admin team channel Team B dm`" in str(dm["blocks"])
    assert first.retrying == ["Team A", "Team B"]
    clock.advance(timedelta(minutes=5))
    again = send_due_digests(ctx, notifier, WORKER)  # the bot invited meanwhile: posted, no second DM
    assert again.sent == ["Team A", "Team B"]
    assert [c["channel"] for c in slack.calls("chat.postMessage")][len(posts) :] == ["DSUPA", "CPPUB"]
