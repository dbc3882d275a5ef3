"""Police ranks in England and Wales, lowest first (Police Act 1996 s13 and Police Regulations 2003).

Chief officer ranks differ in the Metropolitan and City of London forces; the equivalents share a level.
"""

from __future__ import annotations

from enum import StrEnum


class Rank(StrEnum):
    CONSTABLE = "constable"
    SERGEANT = "sergeant"
    INSPECTOR = "inspector"
    CHIEF_INSPECTOR = "chief_inspector"
    SUPERINTENDENT = "superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent"
    ASSISTANT_CHIEF_CONSTABLE = "assistant_chief_constable"
    COMMANDER = "commander"
    DEPUTY_CHIEF_CONSTABLE = "deputy_chief_constable"
    DEPUTY_ASSISTANT_COMMISSIONER = "deputy_assistant_commissioner"
    CHIEF_CONSTABLE = "chief_constable"
    ASSISTANT_COMMISSIONER = "assistant_commissioner"
    DEPUTY_COMMISSIONER = "deputy_commissioner"
    COMMISSIONER = "commissioner"

    @property
    def level(self) -> int:
        return _LEVELS[self]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    def at_least(self, other: Rank) -> bool:
        return self.level >= other.level

    @classmethod
    def parse(cls, text: str) -> Rank | None:
        """Read a rank as officers write it: 'Supt', 'DCI', 'chief inspector', 'Insp.'."""
        key = " ".join(text.lower().replace(".", " ").replace("_", " ").replace("-", " ").split())
        while key.startswith(("detective ", "acting ", "temporary ")):  # "Acting Detective Inspector"
            key = key.split(" ", 1)[1]
        return _ALIASES.get(key)


_LEVELS = {
    Rank.CONSTABLE: 1,
    Rank.SERGEANT: 2,
    Rank.INSPECTOR: 3,
    Rank.CHIEF_INSPECTOR: 4,
    Rank.SUPERINTENDENT: 5,
    Rank.CHIEF_SUPERINTENDENT: 6,
    Rank.ASSISTANT_CHIEF_CONSTABLE: 7,
    Rank.COMMANDER: 7,
    Rank.DEPUTY_CHIEF_CONSTABLE: 8,
    Rank.DEPUTY_ASSISTANT_COMMISSIONER: 8,
    Rank.CHIEF_CONSTABLE: 9,
    Rank.ASSISTANT_COMMISSIONER: 9,
    Rank.DEPUTY_COMMISSIONER: 10,
    Rank.COMMISSIONER: 11,
}

_ALIASES: dict[str, Rank] = {rank.value.replace("_", " "): rank for rank in Rank}
_ALIASES.update(
    {
        "pc": Rank.CONSTABLE,
        "dc": Rank.CONSTABLE,
        "ps": Rank.SERGEANT,
        "ds": Rank.SERGEANT,
        "sgt": Rank.SERGEANT,
        "insp": Rank.INSPECTOR,
        "di": Rank.INSPECTOR,
        "ci": Rank.CHIEF_INSPECTOR,
        "dci": Rank.CHIEF_INSPECTOR,
        "ch insp": Rank.CHIEF_INSPECTOR,
        "supt": Rank.SUPERINTENDENT,
        "dsupt": Rank.SUPERINTENDENT,
        "det supt": Rank.SUPERINTENDENT,
        "ch supt": Rank.CHIEF_SUPERINTENDENT,
        "chief supt": Rank.CHIEF_SUPERINTENDENT,
        "dcs": Rank.CHIEF_SUPERINTENDENT,
        "acc": Rank.ASSISTANT_CHIEF_CONSTABLE,
        "dcc": Rank.DEPUTY_CHIEF_CONSTABLE,
        "cc": Rank.CHIEF_CONSTABLE,
    }
)
