"""How the bot runs: the one composition of settings, database, services, Slack app, scheduler
and work processes (runtime.compose), and the work processes themselves (runtime.work_processes).
Every entry point builds its runtime here: the command line, the console, each work process and
the tests."""
