"""Perpetrators and protected people, made up. Perpetrators are drawn with preferential
attachment (each new case picks a past case's perpetrator with some chance), which gives the skewed
distribution real caseloads show: most people appear once, a few dozens of times."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from bench.fakeforce.copyfiles import CopyFiles, nullable, ts
from bench.fakeforce.words import AREAS, FIRST, LAST, POSTCODE_AREAS, POSTCODE_UNIT_LETTERS, STREETS
from rules.names import name_key


@dataclass
class People:
    """Perpetrators chosen with preferential attachment, so a few offend again and again."""

    rng: random.Random
    files: CopyFiles
    new_share: float = 0.62
    most_cases: int = 40
    perpetrators: int = 0
    protected: int = 0

    def __post_init__(self) -> None:
        self.picks: list[int] = []  # one entry per case: drawing from it favours frequent offenders
        self.cases: list[int] = [0]  # perpetrator id -> cases so far
        self.last_victim: dict[int, int] = {}
        self.pnc_numbers: set[str] = set()
        # Postcodes from their own generator, so the rest of the data is what it was without them.
        self.postcodes = random.Random(7)

    def perpetrator_for_case(self, at: int) -> tuple[int, bool]:
        """(perpetrator id, whether they are new)."""
        if self.picks and self.rng.random() > self.new_share:
            chosen = self.rng.choice(self.picks)
            if self.cases[chosen] < self.most_cases:
                self.cases[chosen] += 1
                self.picks.append(chosen)
                return chosen, False
        self.perpetrators += 1
        chosen = self.perpetrators
        self.cases.append(1)
        self.picks.append(chosen)
        full_name = self._name()
        born = self._date_of_birth(at, 18, 60)
        pnc = self._pnc() if self.rng.random() < 0.85 else None
        self.files.write(
            "perpetrator",
            f"{chosen}\t{full_name}\t{name_key(full_name)}\t{born}\t{self._address()}\t{nullable(pnc)}"
            f"\t{ts(at)}\t{ts(at)}",
        )
        return chosen, True

    def protected_for_case(self, perpetrator: int, repeat: bool, at: int) -> tuple[list[int], list[int]]:
        """(people protected, those newly created): often the same person when an offender repeats."""
        people, created = [], []
        if repeat and perpetrator in self.last_victim and self.rng.random() < 0.6:
            people.append(self.last_victim[perpetrator])
        else:
            people.append(self._new_protected(at))
            created.append(people[-1])
        if self.rng.random() < 0.12:
            people.append(self._new_protected(at))
            created.append(people[-1])
        self.last_victim[perpetrator] = people[0]
        return people, created

    def _new_protected(self, at: int) -> int:
        self.protected += 1
        full_name = self._name()
        born = self._date_of_birth(at, 16, 80)
        self.files.write(
            "protected_person",
            f"{self.protected}\t{full_name}\t{name_key(full_name)}\t{born}\t{self._address()}\t{ts(at)}\t{ts(at)}",
        )
        return self.protected

    def _name(self) -> str:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        roll = self.rng.random()
        if roll < 0.15:
            return f"{first} {self.rng.choice(FIRST)} {last}"  # a middle name
        if roll < 0.20:
            return f"{last.upper()}, {first}"  # as some systems export it
        return f"{first} {last}"

    def _date_of_birth(self, at: int, youngest: int, oldest: int) -> str:
        born = at - self.rng.randrange(youngest * 365, oldest * 365) * 86400
        return time.strftime("%Y-%m-%d", time.gmtime(born))

    def _address(self) -> str:
        street = f"{self.rng.randrange(1, 200)} {self.rng.choice(STREETS)}, {self.rng.choice(AREAS)}"
        return f"{street} {self._postcode()}"

    def _postcode(self) -> str:
        """Of the force's areas: about two million postcodes, as many as there are people."""
        pick = self.postcodes
        area = pick.choice(POSTCODE_AREAS)
        unit = "".join(pick.choice(POSTCODE_UNIT_LETTERS) for _ in range(2))
        return f"{area}{pick.randrange(1, 100)} {pick.randrange(10)}{unit}"

    def _pnc(self) -> str:
        while True:
            pnc = f"{self.rng.randrange(80, 100):02d}/{self.rng.randrange(10**6):06d}{chr(65 + self.rng.randrange(26))}"
            if pnc not in self.pnc_numbers:
                self.pnc_numbers.add(pnc)
                return pnc
