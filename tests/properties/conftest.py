"""How many random lives the stateful tests run, chosen by HYPOTHESIS_PROFILE:

- ci (the default): 200 lives in all, 100 on each database;
- thorough: 5,000 in all, to run once locally (`HYPOTHESIS_PROFILE=thorough make test-fast`).

Each life is a few records and up to STEPS events; the database makes a life slow beside
hypothesis's own pace, so the deadline is off and slowness is not a failure."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

DATABASES = 2  # every stateful test runs on SQLite and on PostgreSQL
STEPS = 6
TOTALS = {"ci": 200, "thorough": 5000}
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)  # HYPOTHESIS_NO_SHRINK: report the first failure as found


def examples_per_database() -> settings:
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    if profile not in TOTALS:
        raise ValueError(f"HYPOTHESIS_PROFILE must be one of {', '.join(TOTALS)}, not {profile!r}")
    return settings(
        max_examples=TOTALS[profile] // DATABASES,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        derandomize=profile == "ci",  # the same lives on every CI run: a failure reproduces
        database=None,
        phases=PHASES if os.environ.get("HYPOTHESIS_NO_SHRINK") else settings.default.phases,
    )
