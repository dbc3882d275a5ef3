"""Settings: defaults, every variable read, and one message listing every problem."""

from __future__ import annotations

import logging
import re
from datetime import time
from pathlib import Path

import pytest

from config import Settings, SettingsError, configure_logging, load_settings, settings_from, variable_names
from rules.order_types import OrderType

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_environment() -> None:
    settings = settings_from({})
    assert settings == Settings()
    assert settings.database_url == "sqlite:///dvpn-bot.db"
    assert str(settings.timezone) == "Europe/London"
    assert settings.order_types == tuple(OrderType)


def test_values_are_read_and_normalised() -> None:
    settings = settings_from(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "DVPN_FORCE_CODE": "gmp",
            "DVPN_ORDER_TYPES": "dapn, dapo,DAPN",
            "DVPN_ADMINS": "U012ABCDEF, U034GHIJKL",
            "DVPN_HEARING_COUNTDOWN_HOURS": "2,24,8",
            "DVPN_QUIET_HOURS_START": "21:30",
            "DVPN_COUNT_SATURDAY_BOXING_DAY": "no",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.force_code == "GMP"
    assert settings.order_types == (OrderType.DAPN, OrderType.DAPO)
    assert settings.admins == ("U012ABCDEF", "U034GHIJKL")
    assert settings.reminders.hearing_countdown_hours == (24, 8, 2)
    assert settings.reminders.quiet_hours_start == time(21, 30)
    assert settings.count_saturday_boxing_day is False


def test_every_problem_is_listed_in_one_error() -> None:
    with pytest.raises(SettingsError) as failed:
        settings_from(
            {
                "DATABASE_URL": "mysql://x",
                "DVPN_FORCE_CODE": "W1",
                "DVPN_TIMEZONE": "Mars/Olympus",
                "DVPN_ORDER_TYPES": "DVPN,ASBO",
                "DVPN_ADMINS": "bob",
                "DVPN_SWEEP_SECONDS": "-3",
                "DVPN_MORNING_AT": "8am",
                "SLACK_BOT_TOKEN": "xoxp-user-token",
            }
        )
    report = failed.value.report()
    assert len(failed.value.problems) == 8
    for name in (
        "DATABASE_URL",
        "DVPN_FORCE_CODE",
        "DVPN_TIMEZONE",
        "DVPN_ORDER_TYPES",
        "DVPN_ADMINS",
        "DVPN_SWEEP_SECONDS",
        "DVPN_MORNING_AT",
        "SLACK_BOT_TOKEN",
    ):
        assert name in report
    assert report.startswith("dvpn-bot cannot start")


@pytest.mark.parametrize(("margin", "lease"), [("120", "120"), ("30", "20")])
def test_a_post_needs_some_of_its_lease_left(margin: str, lease: str) -> None:
    with pytest.raises(SettingsError) as failed:
        settings_from({"DVPN_POST_LEASE_MARGIN_SECONDS": margin, "DVPN_CLAIM_LEASE_SECONDS": lease})
    assert failed.value.problems == [
        f"DVPN_POST_LEASE_MARGIN_SECONDS={margin} must be less than DVPN_CLAIM_LEASE_SECONDS={lease}: "
        "a post is begun only with that much of the lease left, so no reminder would ever be sent."
    ]
    assert settings_from({"DVPN_POST_LEASE_MARGIN_SECONDS": "30", "DVPN_CLAIM_LEASE_SECONDS": "31"})


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("DVPN_FORCE_CODE=NW\nDVPN_LOG_LEVEL=debug\n")
    monkeypatch.delenv("DVPN_FORCE_CODE", raising=False)
    monkeypatch.setenv("DVPN_LOG_LEVEL", "WARNING")
    settings = load_settings(env)
    assert settings.force_code == "NW"
    assert settings.log_level == "WARNING"


def test_env_example_documents_every_setting_with_its_default() -> None:
    example = (ROOT / ".env.example").read_text()
    documented = dict(re.findall(r"^([A-Z_]+)=(.*)$", example, flags=re.M))
    assert variable_names() == set(documented)
    assert len(documented) == 71
    # The example's values are the defaults: loading it changes nothing.
    assert settings_from({k: v for k, v in documented.items()}) == Settings()


def test_the_drill_clock_file_must_hold_an_instant_with_its_offset(tmp_path: Path) -> None:
    good, naive, missing = tmp_path / "good", tmp_path / "naive", tmp_path / "missing"
    good.write_text("2026-04-02T06:58:00+00:00\n")
    naive.write_text("2026-04-02T06:58:00")
    assert settings_from({}).drill_clock_file is None  # the system clock by default
    assert settings_from({"DVPN_DRILL_CLOCK_FILE": str(good)}).drill_clock_file == str(good)
    for bad in (naive, missing):
        with pytest.raises(SettingsError) as failed:
            settings_from({"DVPN_DRILL_CLOCK_FILE": str(bad)})
        assert "DVPN_DRILL_CLOCK_FILE" in failed.value.report()
        assert "ISO-8601 instant with its offset" in failed.value.report()


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_sql_is_never_echoed_to_the_log(level: str) -> None:
    # SQLAlchemy logs every statement at INFO: a log that must never hold personal data, and a
    # volume that once filled an unread pipe and stopped `dvpn-bot serve` from exiting.
    configure_logging(level)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    assert not logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)


def test_the_database_roles_go_together_on_one_postgresql_database() -> None:
    owner = "postgresql://dvpn_owner:pw@db.example:5432/dvpn"
    bot = "postgresql://dvpn_bot:pw@db.example/dvpn"
    settings = settings_from(
        {"DATABASE_URL": bot, "DVPN_MIGRATION_DATABASE_URL": owner, "DVPN_DATABASE_ROLE": "dvpn_bot"}
    )
    assert settings.database_role == "dvpn_bot"
    assert settings.migration_database_url == "postgresql+psycopg://dvpn_owner:pw@db.example:5432/dvpn"
    refused = {
        "no role for the grants": {"DATABASE_URL": bot, "DVPN_MIGRATION_DATABASE_URL": owner},
        "another database": {
            "DATABASE_URL": bot,
            "DVPN_MIGRATION_DATABASE_URL": "postgresql://dvpn_owner@db.example/other",
            "DVPN_DATABASE_ROLE": "dvpn_bot",
        },
        "SQLite": {"DVPN_DATABASE_ROLE": "dvpn_bot"},
        "an owner URL on SQLite": {"DVPN_MIGRATION_DATABASE_URL": owner, "DVPN_DATABASE_ROLE": "dvpn_bot"},
        "not a role name": {"DATABASE_URL": bot, "DVPN_DATABASE_ROLE": "bot; DROP TABLE audit_event"},
        "an owner URL that is not PostgreSQL": {
            "DATABASE_URL": bot,
            "DVPN_MIGRATION_DATABASE_URL": "sqlite:///x.db",
            "DVPN_DATABASE_ROLE": "dvpn_bot",
        },
    }
    for why, source in refused.items():
        with pytest.raises(SettingsError) as failed:
            settings_from(source)
        report = failed.value.report()
        assert "DVPN_DATABASE_ROLE" in report or "DVPN_MIGRATION_DATABASE_URL" in report, why


def test_the_rfgv_matrix_file_must_hold_a_matrix(tmp_path: Path) -> None:
    broken = tmp_path / "matrix.toml"
    broken.write_text("window_months = 12\n")
    assert settings_from({}).rfgv_matrix_file is None  # the default matrix, rules/rfgv.toml
    for bad in (broken, tmp_path / "missing.toml"):
        with pytest.raises(SettingsError) as failed:
            settings_from({"DVPN_RFGV_MATRIX_FILE": str(bad)})
        assert "DVPN_RFGV_MATRIX_FILE" in failed.value.report()


def test_the_incident_clocks_are_read_by_the_names_their_rules_give() -> None:
    from rules.incidents import CLOCKS

    settings = settings_from({"DVPN_ATTEND_STANDARD_HOURS": "72", "DVPN_SCHOOL_DAY_START": "08:45"})
    hours = settings.incidents.hours()
    assert {clock.setting for clock in CLOCKS} == set(hours)
    assert hours["DVPN_ATTEND_STANDARD_HOURS"] == 72
    assert settings.incidents.school_day_start == time(8, 45)
