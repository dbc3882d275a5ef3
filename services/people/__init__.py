"""The people behind the records: perpetrator history across the force, identity checks on
PNC ids, search, and matching names as officers type them."""
