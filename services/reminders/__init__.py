"""Reminders and digests: the queue the sweep claims from, the buttons on a reminder, what a
reminder says, the supervisors' digests and their daily runs, and the ledger of Slack deliveries."""
