"""The daily rollover: notices past their hearing deadline become lapsed (CSA 2010 s27(3);
DAA 2021 s29(2)), orders past their end expire, and every order in force gets its next breach
check. Idempotent: a second run, or a run in another process at the same time, changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.context import ServiceContext
from services.records import lifecycle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RolloverResult:
    lapsed: tuple[str, ...]
    expired: tuple[str, ...]
    checks_planned: tuple[str, ...]


def rollover(ctx: ServiceContext) -> RolloverResult:
    ctx = ctx.from_source("scheduler")
    applied = lifecycle.apply_time(ctx)
    planned = lifecycle.plan_due_checks(ctx)
    result = RolloverResult(applied.lapsed, applied.expired, planned)
    if applied.lapsed or applied.expired or planned:
        # References only: they identify records, not people.
        log.info("rollover: lapsed %s, expired %s, checks planned for %s", applied.lapsed, applied.expired, planned)
    return result
