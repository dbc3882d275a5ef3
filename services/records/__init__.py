"""Recording notices and orders and everything that happens to them: the card, hearings,
breaches, checks and notifications, closure and lapse, the reminder plan each state implies, the
force's calendar and the deadline calculator."""
