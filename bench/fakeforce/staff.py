"""The force's teams and staff: officers, supervisors (some covering two teams), champions, admins."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from bench.fakeforce.copyfiles import CopyFiles, nullable, ts
from bench.fakeforce.words import AREAS, FIRST, LAST


@dataclass
class Staff:
    team_ids: list[int]
    team_weights: list[float]
    officers: dict[int, list[int]]  # team id -> its officers' user ids
    supervisors: dict[int, list[int]]  # team id -> user ids of everyone supervising it
    slack_ids: dict[int, str]
    pilot_teams: set[int]  # teams in the DAPN/DAPO pilot areas
    champions: list[int]


def write_staff(files: CopyFiles, rng: random.Random, teams: int, users: int, start: int) -> Staff:
    """~40 teams of officers with two supervisors each (some cover a second team), champions and admins."""
    staff = Staff([], [], {}, {}, {}, set(), [])
    user_id = 0

    def add_user(role: str, rank: str | None, team: int | None, active: bool = True) -> int:
        nonlocal user_id
        user_id += 1
        slack = f"UB{user_id:08d}"
        staff.slack_ids[user_id] = slack
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        created = ts(start - rng.randrange(86400 * 400))
        team_text = nullable(team)
        files.write(
            "app_user",
            f"{user_id}\t{slack}\t{name}\t{role}\t{nullable(rank)}\t{team_text}\t{'t' if active else 'f'}\t{created}",
        )
        return user_id

    officers_wanted = users - teams * 2 - 40 - 8
    weights = [rng.uniform(0.5, 1.8) for _ in range(teams)]
    for team in range(1, teams + 1):
        name = f"{AREAS[(team - 1) % len(AREAS)]} PPU" + (f" {team}" if team > len(AREAS) else "")
        files.write("team", f"{team}\t{name}\tCB{team:08d}\t0{6 + team % 3}:00:00\t{ts(start - 86400 * 400)}")
        staff.team_ids.append(team)
        staff.team_weights.append(weights[team - 1])
        staff.supervisors[team] = []
    for team in staff.team_ids:
        share = round(officers_wanted * staff.team_weights[team - 1] / sum(weights))
        staff.officers[team] = [add_user("officer", "constable", team) for _ in range(max(3, share))]
        for rank in ("sergeant", "inspector"):
            supervisor = add_user("supervisor", rank, team)
            staff.supervisors[team].append(supervisor)
            files.write("team_supervisor", f"{team}\t{supervisor}")
    for team in staff.team_ids[::4]:  # some supervisors cover a neighbouring team too
        neighbour = team % teams + 1
        cover = staff.supervisors[team][1]
        staff.supervisors[neighbour].append(cover)
        files.write("team_supervisor", f"{neighbour}\t{cover}")
    staff.champions = [add_user("champion", "inspector", None) for _ in range(40)]
    for _ in range(8):
        add_user("admin", None, None)
    staff.pilot_teams = set(staff.team_ids[:6])
    return staff


def write_digest_runs(files: CopyFiles, staff: Staff, now: int) -> None:
    """A year of daily digests per team, as the scheduler leaves them."""
    run_id = 0
    for team in staff.team_ids:
        for days_ago in range(365, 0, -1):
            run_id += 1
            sent = now - days_ago * 86400
            day = time.strftime("%Y-%m-%d", time.gmtime(sent))
            files.write(
                "digest_run",
                f'{run_id}\t{team}\t{day}\tsent\t1\t["CB{team:08d}"]\tf\t{ts(sent)}\t{ts(sent - 5)}',
            )
