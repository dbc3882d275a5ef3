"""Incidents and what hangs from them, made inside PostgreSQL after the orders are loaded and the
schema migrated: INSERT ... SELECT over generate_series with setseed, so a million incidents load in
about a minute where a Python loop would take a quarter of an hour.

The people are the orders' own rows: an incident's suspect is an order's perpetrator, its victim
one of that order's protected people, or (a suspect with several victims) a protected person of
another order. Every notice is raised at an incident (protection_order.incident_id); the rest of
the incidents are spread over the six years with the orders' growth of about 50%.

Shares, from published figures where there are any (rounded; a bench needs a realistic mix, not
a forecast):
- DASH: about 10% high (14+ yes answers, or raised on professional judgement), 35% medium,
  the rest standard; 3% of the last fortnight's not yet assessed.
- MARAC: 85% of high-risk incidents referred, two actions agreed at each meeting.
- Operation Encompass: children present at or linked to 30% of incidents, one to three each, all
  told but a few of the last days'.
- Attendance: all attended but 2% of the last fortnight's; crime disclosed at 60%, recorded within
  a day but 1% of them.
- Clare's Law: requests at 4.5% of incidents (ask and know), 28-day target.
- Perpetrator plans: for 0.4% of incidents' suspects (the most frequent), three actions each.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg

from bench.fakeforce.cases import FORCE_CODE

CLARE_SHARE = 0.045
PLAN_SHARE = 0.004
SCHOOLS = ("St Mary's Primary", "Oakfield Academy", "Hillside Junior", "Northgate High", "Riverside Infants")
AREAS = ("cumbria", "birmingham", "coventry", "solihull")

# Each statement runs in order in one session, after SELECT setseed(...). %(name)s are parameters.
# Kept figures filled as their migrations fill them on an upgrade: (label, migration, statement).
MIGRATION_FILLS = {
    "escalation counts": ("0028_incident_escalation_count", "POSTGRES"),
    "referrals due (marac_open)": ("0031_incident_marac_open", "FILL"),
}


# Kept by row triggers, which are off while the incidents are made (see write_incidents): filled
# afresh from every row afterwards, as their migrations fill them. (label, migration, statements, tables)
TRIGGER_KEPT: tuple[tuple[str, str, Callable[[Any], list[str]], tuple[str, ...]], ...] = (
    (
        "casework counts",
        "0029_casework_daily_counts",
        lambda m: m.fill("postgresql"),
        ("casework_daily_count", "casework_spread"),
    ),
    ("incident counts", "0030_incident_counts", lambda m: [m.FILL], ("incident_count",)),
)


def _secondary_indexes(connection: psycopg.Connection[Any], table: str) -> list[tuple[str, str]]:
    """The table's indexes that are no key or unique constraint, as (name, DDL to make it again)."""
    rows = connection.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (table,),
    ).fetchall()
    return [(str(name), str(ddl)) for name, ddl in rows]


def _migration_fill(label: str) -> str:
    """Read when the data is made, not with this module: `reporting_queries.py --before REV` imports
    this bench in REV's tree, which may not have the migration yet."""
    module, name = MIGRATION_FILLS[label]
    return str(getattr(importlib.import_module(f"migrations.versions.{module}"), name))


STATEMENTS: tuple[tuple[str, str], ...] = (
    (
        "victims of each order",
        """CREATE TEMP TABLE order_victim AS
        SELECT DISTINCT ON (order_id) order_id, person_id FROM order_protected_person ORDER BY order_id, person_id""",
    ),
    (
        "incidents: times and people",
        """CREATE TEMP TABLE inc AS
        WITH notices AS (
            SELECT o.id AS order_id, o.served_at - make_interval(hours => 1 + (random() * 10)::int) AS at,
                   o.perpetrator_id, v.person_id, o.team_id, o.officer_id
            FROM protection_order o JOIN order_victim v ON v.order_id = o.id
            WHERE o.order_type IN ('DVPN', 'DAPN') AND o.served_at >= %(start)s
        ), others AS (
            SELECT to_timestamp(%(start_s)s + (-1 + sqrt(1 + 0.5 * 2.5 * random())) / 0.5 * %(span_s)s) AS at,
                   1 + floor(random() * %(orders)s)::int AS pick, random() AS other,
                   1 + floor(random() * %(orders)s)::int AS other_pick
            FROM generate_series(1, greatest(%(total)s - (SELECT count(*) FROM notices), 0))
        ), picked AS (
            SELECT NULL::int AS order_id, s.at, o.perpetrator_id,
                   CASE WHEN s.other < 0.15 THEN coalesce(w.person_id, v.person_id) ELSE v.person_id END AS person_id,
                   o.team_id, o.officer_id
            FROM others s JOIN protection_order o ON o.id = s.pick JOIN order_victim v ON v.order_id = o.id
            LEFT JOIN order_victim w ON w.order_id = s.other_pick
        ), every AS (SELECT * FROM notices UNION ALL SELECT * FROM picked WHERE at < %(now)s)
        SELECT row_number() OVER (ORDER BY at, order_id) + %(first_id)s AS id, every.*,
               random() AS r_risk, random() AS r_dash, random() AS r_attend, random() AS r_crime,
               random() AS r_cons, random() AS r_child, random() AS r_marac
        FROM every""",
    ),
    (
        "incident rows",
        """INSERT INTO incident (id, reference, reported_at, victim_id, suspect_id, officer_id, team_id, dash_yes,
            dash_judgement, risk_level, dash_at, attended_at, crime_disclosed, crime_reference, crime_recorded_at,
            notice_considered, notice_considered_reason, notice_considered_at, created_by_id, created_at, updated_at,
            next_deadline_at)
        SELECT id, %(force)s || '-INC-' || y || '-' || lpad(n::text, greatest(4, length(n::text)), '0'), at,
            person_id, perpetrator_id, officer_id, team_id, dash_yes, judgement, level, dash_at,
            CASE WHEN unattended THEN NULL ELSE at + make_interval(mins => (30 + r_attend * 40 * 60)::int) END,
            r_crime < 0.6,
            CASE WHEN r_crime < 0.6 AND NOT unrecorded THEN 'CR/' || id END,
            CASE WHEN r_crime < 0.6 AND NOT unrecorded THEN at + make_interval(mins => (r_crime * 1200)::int) END,
            CASE WHEN fresh AND r_cons < 0.02 THEN NULL ELSE r_cons < 0.3 OR order_id IS NOT NULL END,
            CASE WHEN NOT (fresh AND r_cons < 0.02) AND r_cons >= 0.3 AND order_id IS NULL
                 THEN 'Victim declined; no grounds for a notice' END,
            CASE WHEN fresh AND r_cons < 0.02 THEN NULL ELSE at + interval '3 hours' END,
            officer_id, at, at,
            CASE WHEN unattended THEN at + interval '48 hours' END
        FROM (
            SELECT inc.*, extract(year FROM at AT TIME ZONE 'Europe/London')::int AS y,
                row_number() OVER (PARTITION BY extract(year FROM at AT TIME ZONE 'Europe/London') ORDER BY id) AS n,
                at > %(now)s - interval '14 days' AS fresh,
                at > %(now)s - interval '14 days' AND r_attend < 0.02 AS unattended,
                r_crime < 0.006 AS unrecorded,
                CASE WHEN at > %(now)s - interval '14 days' AND r_dash < 0.03 THEN NULL
                     WHEN r_risk < 0.08 THEN 14 + floor(r_dash * 10)::int
                     WHEN r_risk < 0.45 THEN 10 + floor(r_dash * 4)::int
                     ELSE floor(r_dash * 10)::int END AS dash_yes,
                CASE WHEN r_risk >= 0.08 AND r_risk < 0.10 AND NOT (at > %(now)s - interval '14 days' AND r_dash < 0.03)
                     THEN 'high' END AS judgement,
                CASE WHEN at > %(now)s - interval '14 days' AND r_dash < 0.03 THEN NULL
                     WHEN r_risk < 0.10 THEN 'high' WHEN r_risk < 0.45 THEN 'medium' ELSE 'standard' END AS level,
                CASE WHEN at > %(now)s - interval '14 days' AND r_dash < 0.03 THEN NULL
                     ELSE at + make_interval(mins => (20 + r_dash * 600)::int) END AS dash_at
            FROM inc
        ) x ORDER BY id""",
    ),
    ("escalation counts", ""),  # kept on each incident (migration 0028), filled as the migration fills it
    (
        "notices raised at their incidents",
        """UPDATE protection_order o SET incident_id = inc.id FROM inc WHERE inc.order_id = o.id""",
    ),
    (
        "children and their schools",
        """INSERT INTO incident_child (incident_id, number, full_name, present, school, school_area, due_at, told_at,
            told_by_id, created_at)
        SELECT i.id, k, 'Child ' || i.id || '-' || k, (i.id + k) %% 3 <> 0,
            (%(schools)s::text[])[1 + (i.id + k) %% 5], (%(areas)s::text[])[1 + i.team_id %% 4],
            date_trunc('day', i.reported_at) + interval '1 day 8 hours 30 minutes',
            CASE WHEN i.reported_at > %(now)s - interval '3 days' AND inc.r_child < 0.01 THEN NULL
                 ELSE i.reported_at + make_interval(mins => (60 + inc.r_child * 3000)::int) END,
            CASE WHEN i.reported_at > %(now)s - interval '3 days' AND inc.r_child < 0.01
                 THEN NULL ELSE i.officer_id END,
            i.created_at
        FROM inc JOIN incident i ON i.id = inc.id
        CROSS JOIN LATERAL generate_series(1, 1 + floor(inc.r_child * 10)::int %% 3) k
        WHERE inc.r_child < 0.3""",
    ),
    (
        "MARAC referrals",
        """INSERT INTO marac_referral (incident_id, referred_at, referred_by_id, meeting_at, created_at)
        SELECT i.id, i.dash_at + interval '20 hours', i.officer_id,
            CASE WHEN i.dash_at + interval '14 days' < %(now)s THEN i.dash_at + interval '14 days' END,
            i.dash_at + interval '20 hours'
        FROM inc JOIN incident i ON i.id = inc.id
        WHERE i.risk_level = 'high' AND inc.r_marac < 0.85 AND i.dash_at + interval '20 hours' < %(now)s""",
    ),
    (
        "MARAC actions",
        """INSERT INTO marac_action (referral_id, number, description, owner_id, due_at, done_at, done_by_id,
            created_by_id, created_at)
        SELECT r.id, k,
            CASE k WHEN 1 THEN 'Safety plan reviewed with the victim' ELSE 'Target hardening at the address' END,
            r.referred_by_id, r.meeting_at + make_interval(days => 7 * k),
            CASE WHEN r.meeting_at + make_interval(days => 7 * k) < %(now)s - interval '10 days'
                 THEN r.meeting_at + make_interval(days => 6 * k) END,
            CASE WHEN r.meeting_at + make_interval(days => 7 * k) < %(now)s - interval '10 days'
                 THEN r.referred_by_id END,
            r.referred_by_id, r.meeting_at
        FROM marac_referral r CROSS JOIN generate_series(1, 2) k WHERE r.meeting_at IS NOT NULL""",
    ),
    (
        "reminders of open incident clocks",
        """INSERT INTO reminder (incident_id, kind, due_at, recipient_id, critical, state, attempts, created_at,
            sent_at)
        SELECT i.id, 'inc_due:' || c.clock, c.due, i.officer_id, true,
            CASE WHEN c.due > %(now)s THEN 'pending' ELSE 'sent' END, CASE WHEN c.due > %(now)s THEN 0 ELSE 1 END,
            i.created_at, CASE WHEN c.due > %(now)s THEN NULL ELSE c.due END
        FROM incident i CROSS JOIN LATERAL (VALUES
            ('marac', CASE WHEN i.risk_level = 'high' AND NOT EXISTS (
                SELECT 1 FROM marac_referral r WHERE r.incident_id = i.id) THEN i.dash_at + interval '1 day' END),
            ('attend', CASE WHEN i.attended_at IS NULL THEN i.reported_at + interval '48 hours' END),
            ('crime', CASE WHEN i.crime_disclosed AND i.crime_reference IS NULL
                           THEN i.reported_at + interval '24 hours' END)
        ) c(clock, due)
        WHERE i.id > %(first_id)s AND c.due IS NOT NULL""",
    ),
    ("referrals due (marac_open)", ""),  # kept on each incident (migration 0031), with the clocks above
    (
        "Clare's Law applicants",
        """INSERT INTO disclosure_applicant (id, full_name, name_key, created_at, updated_at)
        SELECT n + %(first_applicant)s, 'Applicant ' || n, 'applicant ' || n, %(now)s, %(now)s
        FROM generate_series(1, (%(clare)s * 0.3)::int) n""",
    ),
    (
        "Clare's Law requests",
        """INSERT INTO disclosure_request (reference, route, received_at, target_at, protected_person_id,
            perpetrator_id, applicant_id, officer_id, team_id, checks_at, forum_at, decided_at, decision,
            decision_reason, disclosed_at, disclosed_to, closed_at, close_reason, created_by_id, created_at, updated_at)
        SELECT %(force)s || '-DVDS-' || y || '-' || lpad(k::text, greatest(4, length(k::text)), '0'),
            CASE WHEN r < 0.55 THEN 'ask' ELSE 'know' END, at, at + interval '28 days', victim_id, suspect_id,
            CASE WHEN r < 0.165 THEN %(first_applicant)s + 1 + (n %% greatest((%(clare)s * 0.3)::int, 1)) END,
            officer_id, team_id,
            CASE WHEN age > 5 THEN at + interval '5 days' END,
            CASE WHEN age > 14 THEN at + interval '14 days' END,
            CASE WHEN age > 20 AND NOT slow THEN at + interval '20 days' END,
            CASE WHEN age > 20 AND NOT slow THEN CASE WHEN r2 < 0.45 THEN 'disclose' ELSE 'decline' END END,
            CASE WHEN age > 20 AND NOT slow AND r2 >= 0.45 THEN 'No relevant information held' END,
            CASE WHEN age > 24 AND NOT slow AND r2 < 0.45 THEN at + make_interval(days => 21 + (r2 * 20)::int) END,
            CASE WHEN age > 24 AND NOT slow AND r2 < 0.45 THEN 'the person at risk' END,
            CASE WHEN age > 24 AND NOT slow AND r2 >= 0.45 THEN at + interval '22 days' END,
            CASE WHEN age > 24 AND NOT slow AND r2 >= 0.45 THEN 'Decided: no disclosure' END,
            officer_id, at, at
        FROM (SELECT *, row_number() OVER (PARTITION BY y ORDER BY at, n) AS k FROM (
            SELECT i.reported_at + interval '2 days' AS at, i.victim_id, i.suspect_id, i.officer_id, i.team_id,
                extract(year FROM (i.reported_at + interval '2 days') AT TIME ZONE 'Europe/London')::int AS y,
                extract(epoch FROM %(now)s - i.reported_at - interval '2 days') / 86400 AS age,
                random() AS r, random() AS r2, random() < 0.1 AS slow, row_number() OVER () AS n
            FROM incident i TABLESAMPLE BERNOULLI (%(clare_pct)s) REPEATABLE (%(seed)s)
            WHERE i.id > %(first_id)s AND i.reported_at + interval '2 days' < %(now)s
        ) s0) s""",
    ),
    (
        "perpetrator plans",
        """INSERT INTO management_plan (perpetrator_id, team_id, adopted_at, review_at, closed_at, close_reason,
            created_by_id, created_at, updated_at)
        SELECT suspect_id, team_id, last_at + interval '3 days', last_at + interval '93 days',
            CASE WHEN last_at + interval '200 days' < %(now)s THEN last_at + interval '200 days' END,
            CASE WHEN last_at + interval '200 days' < %(now)s THEN 'Plan completed' END,
            officer_id, last_at + interval '3 days', last_at + interval '3 days'
        FROM (
            SELECT suspect_id, max(team_id) AS team_id, max(officer_id) AS officer_id, max(reported_at) AS last_at
            FROM incident WHERE id > %(first_id)s GROUP BY suspect_id
            ORDER BY count(*) DESC, suspect_id LIMIT %(plans)s
        ) s WHERE last_at + interval '3 days' < %(now)s""",
    ),
    (
        "plan actions",
        """INSERT INTO plan_action (plan_id, number, kind, what, owner_id, due_at, done_at, created_at)
        SELECT p.id, k, (ARRAY['disrupt', 'divert', 'enforce', 'support'])[1 + (p.id + k) %% 4],
            'Action ' || k || ' of the plan', p.created_by_id, p.adopted_at + make_interval(days => 20 * k),
            CASE WHEN p.adopted_at + make_interval(days => 20 * k) < %(now)s - interval '15 days'
                 THEN p.adopted_at + make_interval(days => 18 * k) END,
            p.adopted_at
        FROM management_plan p CROSS JOIN generate_series(1, 3) k""",
    ),
    (
        "reference counters",
        """INSERT INTO reference_counter (force_code, order_type, year, last_number)
        SELECT %(force)s, split_part(reference, '-', 2), split_part(reference, '-', 3)::int,
            max(split_part(reference, '-', 4)::int)
        FROM (SELECT reference FROM incident UNION ALL SELECT reference FROM disclosure_request) r
        GROUP BY 2, 3
        ON CONFLICT (force_code, order_type, year) DO UPDATE SET last_number = excluded.last_number""",
    ),
)


def write_incidents(
    connection: psycopg.Connection[Any], *, per_year: int, years: int, seed: int, now: datetime, timed: Any
) -> None:
    """Add about per_year * years incidents (and the rest) to a loaded, migrated bench database."""
    start = now.replace(year=now.year - years)
    total = per_year * years
    first_id = connection.execute("SELECT coalesce(max(id), 0) FROM incident").fetchone()
    first_applicant = connection.execute("SELECT coalesce(max(id), 0) FROM disclosure_applicant").fetchone()
    orders = connection.execute("SELECT coalesce(max(id), 0) FROM protection_order").fetchone()
    assert first_id is not None and first_applicant is not None and orders is not None
    parameters = {
        "start": start,
        "start_s": start.timestamp(),
        "span_s": (now - start).total_seconds(),
        "now": now,
        "total": total,
        "orders": orders[0],
        "first_id": first_id[0],
        "first_applicant": first_applicant[0],
        "force": FORCE_CODE,
        "schools": list(SCHOOLS),
        "areas": list(AREAS),
        "clare": int(total * CLARE_SHARE),
        "clare_pct": CLARE_SHARE * 100,
        "plans": int(total * PLAN_SHARE),
        "seed": seed,
    }
    connection.execute("SET work_mem = '256MB'")
    # The tables' triggers are off while the rows are made, as COPY loads the orders' into tables
    # without them: the counts they keep are filled once afterwards (TRIGGER_KEPT), where row
    # triggers would update them five million times (over an hour under load).
    connection.execute("SET session_replication_role = replica")
    # And the incident table's secondary indexes are dropped until its rows are made and counted:
    # each of 5 million rows (and the escalation counts' UPDATE of every one, which is not HOT)
    # would otherwise go into a dozen indexes one by one, three quarters of an hour under load.
    secondary = _secondary_indexes(connection, "incident")
    for name, _ddl in secondary:
        connection.execute(f'DROP INDEX "{name}"')
    connection.execute("SELECT setseed(%s)", (seed / 100,))
    for label, statement in STATEMENTS:
        with timed(label):
            if label in MIGRATION_FILLS:
                connection.execute(_migration_fill(label))  # no parameters: its % signs are SQL's
            else:
                connection.execute(statement, parameters)
    with timed("incident indexes"):
        connection.execute("SET maintenance_work_mem = '512MB'")
        for _name, ddl in secondary:
            connection.execute(ddl)
    connection.execute("SET session_replication_role = DEFAULT")
    for label, module, statements, tables in TRIGGER_KEPT:
        with timed(label):
            migration = importlib.import_module(f"migrations.versions.{module}")
            for table in tables:
                connection.execute(f"DELETE FROM {table}")
            for statement in statements(migration):
                connection.execute(statement)
    for table in (
        "incident",
        "disclosure_applicant",
        "disclosure_request",
        "management_plan",
        "plan_action",
        "incident_child",
        "marac_referral",
        "marac_action",
        "reminder",
    ):
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
