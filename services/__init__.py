"""Use cases: the only code that writes. Each call authorises, validates with rules/, writes,
audits and replans reminders in one transaction, and returns plain data."""
