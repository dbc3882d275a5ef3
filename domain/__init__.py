"""The project's vocabulary: the states, outcomes and roles every layer speaks of, with no
database, Slack or clock behind them, so a handler can name a status without loading a table."""
