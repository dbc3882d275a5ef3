"""Slack without Slack: a local Web API stand-in, and (with the console) a terminal front end."""
