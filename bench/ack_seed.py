"""A realistic force for the ack benchmarks, recorded through the services as officers would:
teams, officers, supervisors, champions and an admin, and a few thousand notices and orders
served or made in the recent past, each audited and with its reminders planned.

The database is a scratch PostgreSQL database: created if missing and EMPTIED on every run."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import Engine, make_url

from config import Settings
from models import Role, metadata
from models.db import make_engine
from models.schema import upgrade
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import SystemClock
from services.context import ServiceContext
from services.governance import staff
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/dvpn_bench_ack"
ADMIN = "UBADM0001"
TEAMS = tuple(f"PPU {area}" for area in ("North", "South", "East", "West", "Central", "Harbour"))
OFFICERS_PER_TEAM = 8
SEEDING_THREADS = 4
FIRST = ("Avery", "Blake", "Corin", "Darcy", "Emery", "Fenn", "Glen", "Hollis", "Ira", "Jody", "Kerry", "Lane")
SURNAMES = ("Imaginary", "Invented", "Nonesuch", "Hypothetical", "Fabricated", "Makebelieve", "Fictitious")
COURTS = ("Sampleford Magistrates' Court", "Demoton Family Court", "Northfield Magistrates' Court")


@dataclass
class Team:
    name: str
    officers: list[str] = field(default_factory=list)
    supervisor: str = ""
    notices: list[str] = field(default_factory=list)  # active notices with no hearing: hearings go here
    in_force: list[str] = field(default_factory=list)  # every record in force: shows and breaches


@dataclass
class Force:
    teams: list[Team]
    champions: list[str]
    records: int
    unheard: list[tuple[str, str]] = field(default_factory=list)  # (notice, an officer of its team)


def scratch_engine(url: str) -> Engine:
    """The benchmark's database, created if missing, migrated, and emptied."""
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    if not target.drivername.startswith("postgresql"):
        raise SystemExit(f"DVPN_BENCH_POSTGRES_URL must be a postgresql:// URL, not {url!r}")
    maintenance = target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(target.database))))
    engine = make_engine(target.render_as_string(hide_password=False))
    # Emptied by rebuilding the schema: the audit trail is append-only, and refuses TRUNCATE too.
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    return engine


def seed(engine: Engine, record_count: int, seed_value: int = 7) -> Force:
    ctx = ServiceContext(engine, Settings(admins=(ADMIN,)), SystemClock(), "bench")
    force = _people(ctx)
    rng = random.Random(seed_value)
    now = ctx.clock.now()
    plans = [_plan(rng, force.teams[n % len(force.teams)], n, now) for n in range(record_count)]
    with ThreadPoolExecutor(SEEDING_THREADS, thread_name_prefix="seed") as pool:
        made = list(pool.map(lambda plan: (plan[0], records.record(ctx, plan[1], plan[2])), plans))
    for team, view in made:
        team.in_force.append(view.reference)
        if view.is_notice:
            team.notices.append(view.reference)
    force.records = len(made)
    force.unheard = [(ref, t.officers[i % len(t.officers)]) for t in force.teams for i, ref in enumerate(t.notices)]
    random.Random(seed_value).shuffle(force.unheard)
    return force


def _people(ctx: ServiceContext) -> Force:
    teams = []
    for number, name in enumerate(TEAMS, 1):
        staff.create_team(ctx, ADMIN, name)
        team = Team(name)
        for officer in range(1, OFFICERS_PER_TEAM + 1):
            slack_id = f"UBOFF{number}{officer:03d}"
            staff.place_in_team(ctx, ADMIN, slack_id, name)
            staff.set_rank(ctx, ADMIN, slack_id, Rank.CONSTABLE)
            team.officers.append(slack_id)
        team.supervisor = f"UBSUP{number}001"
        staff.set_role(ctx, ADMIN, team.supervisor, Role.SUPERVISOR)
        staff.place_in_team(ctx, ADMIN, team.supervisor, name)
        staff.set_rank(ctx, ADMIN, team.supervisor, Rank.SERGEANT)
        staff.add_supervisor(ctx, ADMIN, team.supervisor, name)
        teams.append(team)
    champions = [f"UBCHA{n:04d}" for n in range(1, 4)]
    for champion in champions:
        staff.set_role(ctx, ADMIN, champion, Role.CHAMPION)
    return Force(teams, champions, 0)


def _person(rng: random.Random, n: int, now: datetime, age: int) -> PersonInput:
    born = date(now.year - rng.randint(age + 1, 60), rng.randint(1, 12), rng.randint(1, 28))
    address = f"{rng.randint(1, 199)} Example Road, Demoton"
    return PersonInput(f"{rng.choice(FIRST)} {SURNAMES[n % len(SURNAMES)]}", born, address)


def _plan(rng: random.Random, team: Team, n: int, now: datetime) -> tuple[Team, str, NewRecord]:
    """Three records in five are notices served in the last 40 hours (their 48-hour hearing clock
    still running, so a hearing can be booked); the rest are court orders made in the last weeks."""
    officer = rng.choice(team.officers)
    people = {"perpetrator": _person(rng, n, now, 18), "protected": (_person(rng, n + 3, now, 16),)}
    if n % 5 < 3:
        kind = OrderType.DVPN if n % 5 < 2 else OrderType.DAPN
        new = NewRecord(
            order_type=kind,
            served_at=now - timedelta(hours=rng.uniform(1.5, 40)),
            authoriser_name=f"Supt {rng.choice(FIRST)} Example",
            authoriser_rank=Rank.SUPERINTENDENT,
            conditions="Not to enter the address or come within 100 metres of it.",
            **people,  # type: ignore[arg-type]
        )
        return team, officer, new
    kind, length = rng.choice(
        [
            (OrderType.DVPO, {"duration_days": 28}),
            (OrderType.NMO, {"duration_months": 12}),
            (OrderType.RESTRAINING, {"until_further_order": True}),
            (OrderType.SPO, {"duration_months": 24}),
        ]
    )
    made = now - timedelta(days=rng.uniform(1, 12))
    new = NewRecord(
        order_type=kind,
        made_at=made,
        served_at=made + timedelta(hours=3),
        court=rng.choice(COURTS),
        conditions="Not to contact the protected person directly or indirectly.",
        **people,  # type: ignore[arg-type]
        **length,
    )
    return team, officer, new


def row_count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(metadata.tables[table])).scalar_one())


def due_reminders(engine: Engine) -> int:
    """Reminders already due and not yet sent: the sweep's backlog."""
    reminder = metadata.tables["reminder"]
    with engine.connect() as connection:
        query = (
            sa.select(sa.func.count())
            .select_from(reminder)
            .where(reminder.c.state.in_(["pending", "claimed"]), reminder.c.due_at <= sa.func.now())
        )
        return int(connection.execute(query).scalar_one())


def wait_for_sweep(engine: Engine, timeout: float = 180.0) -> int:
    """Let the serve process's sweep post the reminders the seeding made due, so the runs measure
    commands and not a catch-up; returns how many were still due when it stopped waiting."""
    deadline = time.monotonic() + timeout
    while (left := due_reminders(engine)) and time.monotonic() < deadline:
        time.sleep(1)
    return left
