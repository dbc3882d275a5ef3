"""APScheduler wiring and jobs: reminder sweep, digests, daily rollover (the scheduler issue)."""
