"""Who the console knows by name: short names for `as @name` and for showing mentions. The demo
fills it with its fictitious force; on a real database it starts empty and raw Slack ids work."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    slack_id: str
    short: str  # what `as @short` takes: "jordan"
    name: str  # "PC Jordan Example": invented, shown only in the console
    role: str  # officer, supervisor, champion, admin
    team: str | None = None

    def describe(self) -> str:
        team = f", {self.team}" if self.team else ""
        return f"{self.name} ({self.role}{team})"


@dataclass
class Directory:
    people: list[Person] = field(default_factory=list)

    def add(self, person: Person) -> Person:
        self.people.append(person)
        return person

    def by_id(self, slack_id: str) -> Person | None:
        return next((p for p in self.people if p.slack_id == slack_id), None)

    def find(self, word: str) -> Person | None:
        """`@jordan`, `jordan`, a Slack id, or a role (`@champion`: the first person with it)."""
        key = word.strip().lstrip("@").strip("<>").lstrip("@")
        lowered = key.lower()
        for person in self.people:
            if lowered in (person.short.lower(), person.slack_id.lower()):
                return person
        return next((p for p in self.people if p.role == lowered), None)

    def mention(self, slack_id: str) -> str:
        person = self.by_id(slack_id)
        return f"@{person.short}" if person else f"@{slack_id}"

    def of_role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]
