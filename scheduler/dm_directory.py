"""The notifier's DM channels kept in the database (services.people.dm_channels), so a restarted
or added process does not call conversations.open again for users already reached."""

from __future__ import annotations

from services.context import ServiceContext
from services.people import dm_channels


class StoredDmChannels:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def stored(self, user: str) -> str | None:
        return dm_channels.stored_dm_channel(self.ctx, user)

    def keep(self, user: str, channel: str) -> None:
        dm_channels.keep_dm_channel(self.ctx, user, channel)
