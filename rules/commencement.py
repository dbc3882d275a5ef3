"""Where and when a type may be made: the commencement schemes in rules/commencement.toml.

DAA 2021 Part 3 (DAPNs and DAPOs) is in force only in the areas and for the periods commencement
regulations specify (DAA 2021 s90(6)-(8)); the repeal of the DVPN and DVPO provisions (DAA 2021 s55)
is excepted from every one of them, so DVPNs and DVPOs stay available everywhere. The table is data a
force updates as instruments are made; this module only reads and applies it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from rules.order_types import OrderType

TABLE = Path(__file__).with_name("commencement.toml")


class CommencementTableError(ValueError):
    """The table is malformed: the force's edit needs fixing before the bot can start."""


@dataclass(frozen=True)
class Scheme:
    types: frozenset[OrderType]
    areas: frozenset[str]
    first_day: date
    last_day: date | None
    basis: str  # the instrument(s), as the officer is shown them

    def covers(self, order_type: OrderType, areas: Iterable[str], day: date) -> bool:
        in_time = self.first_day <= day and (self.last_day is None or day <= self.last_day)
        return order_type in self.types and in_time and bool(self.areas & set(areas))

    def dates(self) -> str:
        until = f"{self.last_day:%d %b %Y}" if self.last_day else "no end set"
        return f"{self.first_day:%d %b %Y} to {until}"


@dataclass(frozen=True)
class Availability:
    """Whether a type may be made on a day where the force operates, and why."""

    allowed: bool
    restricted: bool  # the type has schemes at all
    scheme: Scheme | None  # the scheme that makes it law, when allowed
    schemes: tuple[Scheme, ...]  # every scheme for the type, to cite when it is not

    def reason(self, order_type: OrderType, day: date) -> str:
        if self.scheme is not None:
            return f"A {order_type} may be made in this force's area on {day:%d %b %Y} under {self.scheme.basis}."
        listed = "; ".join(f"{', '.join(sorted(s.areas))}: {s.dates()} ({s.basis})" for s in self.schemes)
        return (
            f"A {order_type} is law only where and when commencement regulations bring DAA 2021 Part 3 into "
            f"force, and none covers this force's area on {day:%d %b %Y}. In force: {listed}."
        )


def _day(value: object, field: str, index: int) -> date:
    if not isinstance(value, date):
        raise CommencementTableError(f"scheme {index}: '{field}' must be a date (YYYY-MM-DD)")
    return value


def parse(text: str) -> tuple[Scheme, ...]:
    data = tomllib.loads(text)
    schemes = []
    for index, row in enumerate(data.get("scheme", []), 1):
        try:
            types = frozenset(OrderType(t) for t in row["types"])
            areas = frozenset(str(a).strip().lower() for a in row["areas"])
            basis = str(row["basis"]).strip()
        except (KeyError, ValueError) as error:
            raise CommencementTableError(f"scheme {index}: {error}") from error
        first = _day(row.get("from"), "from", index)
        last = _day(row["until"], "until", index) if "until" in row else None
        if (last is not None and last < first) or not basis or not areas:
            raise CommencementTableError(f"scheme {index}: needs areas, a basis, and 'until' on or after 'from'")
        schemes.append(Scheme(types, areas, first, last, basis))
    return tuple(schemes)


@lru_cache(maxsize=1)
def schemes() -> tuple[Scheme, ...]:
    return parse(TABLE.read_text(encoding="utf-8"))


def availability(
    order_type: OrderType, areas: Iterable[str], day: date, table: Sequence[Scheme] | None = None
) -> Availability:
    """May a `order_type` be made on `day` in one of the force's `areas`?"""
    mine = tuple(s for s in (schemes() if table is None else table) if order_type in s.types)
    if not mine:
        return Availability(True, False, None, ())
    normalised = [a.strip().lower() for a in areas]
    found = next((s for s in mine if s.covers(order_type, normalised, day)), None)
    return Availability(found is not None, True, found, mine)
