"""The demo force's people and teams: invented names that cannot be mistaken for anyone real
(every surname is a word like Example or Sample), placed through the staff services so every
role, team and rank is audited like a real force's."""

from __future__ import annotations

from console.people import Directory, Person
from domain.enums import Role
from rules.ranks import Rank
from services.context import ServiceContext
from services.governance import staff

TEAMS = ("PPU North", "PPU South", "PPU Central")
PER_ROLE = 12  # a dozen people of each role
FOUNDER = "UDADM01"  # the first admin, listed in the demo's settings so it may appoint the rest

FIRST_NAMES = (
    "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Alex", "Robin", "Sam", "Charlie", "Drew", "Frankie",
    "Harper", "Quinn", "Rowan", "Sasha", "Toby", "Ellis", "Kit", "Lee", "Max", "Nico", "Parker", "Reese",
    "Avery", "Bailey", "Cameron", "Dana", "Eden", "Finley", "Gray", "Hayden", "Indy", "Jules", "Kai", "Logan",
    "Marley", "Noel", "Oakley", "Peyton", "Remy", "Skyler", "Tatum", "Val", "Wren", "Yael", "Zion", "Arden",
)  # fmt: skip
SURNAMES = (
    "Example", "Sample", "Placeholder", "Specimen", "Testwell", "Mockford", "Dummyson", "Fictional",
    "Madeup", "Pretend", "Notreal", "Standin",
)  # fmt: skip
ROLE_CODES = {Role.OFFICER: "OFF", Role.SUPERVISOR: "SUP", Role.CHAMPION: "CHA", Role.ADMIN: "ADM"}
TITLES = {Role.OFFICER: "PC", Role.SUPERVISOR: "Sgt", Role.CHAMPION: "DC", Role.ADMIN: ""}


def demo_people() -> Directory:
    """48 people: a dozen of each role. Officers and supervisors are spread over the three teams."""
    directory = Directory()
    names = iter(FIRST_NAMES)
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.CHAMPION, Role.ADMIN):
        for number in range(1, PER_ROLE + 1):
            first = next(names)
            surname = SURNAMES[(number - 1 + len(directory.people)) % len(SURNAMES)]
            title = TITLES[role]
            if role is Role.SUPERVISOR and number % 4 == 0:
                title = "Insp"
            team = TEAMS[(number - 1) % len(TEAMS)] if role in (Role.OFFICER, Role.SUPERVISOR) else None
            directory.add(
                Person(
                    slack_id=f"UD{ROLE_CODES[role]}{number:02d}",
                    short=first.lower(),
                    name=f"{title} {first} {surname}".strip(),
                    role=role.value,
                    team=team,
                )
            )
    return directory


def duty_supervisors(directory: Directory) -> dict[str, Person]:
    """One supervisor per team receives its alerts and digest (a TeamSupervisor link); the others
    may act on the team's records but are not paged, which keeps the alerts few."""
    found: dict[str, Person] = {}
    for person in directory.of_role(Role.SUPERVISOR.value):
        if person.team and person.team not in found:
            found[person.team] = person
    return found


def create_force(ctx: ServiceContext, directory: Directory) -> None:
    """Teams, roles, ranks and team places, each through the admin services (audited)."""
    for team in TEAMS:
        staff.create_team(ctx, FOUNDER, team)
    duty = duty_supervisors(directory)
    for person in directory.people:
        role = Role(person.role)
        if person.slack_id != FOUNDER:
            staff.set_role(ctx, FOUNDER, person.slack_id, role)
        if person.team:
            staff.place_in_team(ctx, FOUNDER, person.slack_id, person.team)
        rank = _rank(person)
        if rank is not None:
            staff.set_rank(ctx, FOUNDER, person.slack_id, rank)
    for team, person in duty.items():
        staff.add_supervisor(ctx, FOUNDER, person.slack_id, team)


def _rank(person: Person) -> Rank | None:
    if person.name.startswith("Insp "):
        return Rank.INSPECTOR
    if person.name.startswith("Sgt "):
        return Rank.SERGEANT
    if person.role in (Role.OFFICER.value, Role.CHAMPION.value):
        return Rank.CONSTABLE
    return None
