"""The law as pure functions: calendars, excluded-day clocks, periods and the order-type table.

Nothing here touches a database, Slack or the wall clock; every rule cites its statute section.
"""
