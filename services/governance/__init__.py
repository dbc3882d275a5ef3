"""Who may do what and what was done: access decisions and justifications, staff and teams,
the audit trail, and retention and erasure."""
