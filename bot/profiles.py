"""People's Slack time zones, learnt once with ``users.info``: deadlines and stand-ups follow the owner's
own working day when Slack knows where they are, and the workspace time zone until then."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from storage import directory
from storage.database import Database

log = logging.getLogger(__name__)


class MemberProfiles:
    def __init__(self, db: Database, client: AsyncWebClient, batch: int = 20) -> None:
        self.db = db
        self.client = client
        self.batch = batch

    async def refresh(self) -> int:
        """Look up members whose time zone is not known yet; returns how many were learnt.

        The Slack calls happen between two short transactions, never inside one.
        """
        async with self.db.transaction() as session:
            pending = await directory.members_without_tz(session, self.batch)
        learnt: dict[str, tuple[str, str | None]] = {}
        for user_id in pending:
            try:
                response = await self.client.users_info(user=user_id)
            except SlackApiError as error:
                code = error.response.get("error") if isinstance(error.response.data, dict) else None
                if code in ("user_not_found", "account_inactive"):
                    learnt[user_id] = ("", None)  # "" = asked, unknown: do not ask again every tick
                    continue
                log.warning("users.info for %s failed (%s); will try again", user_id, code)
                break
            except (aiohttp.ClientError, TimeoutError, OSError):
                break  # Slack unreachable: the next tick tries again
            user = response.get("user") or {}
            profile = user.get("profile") or {}
            learnt[user_id] = (str(user.get("tz") or ""), profile.get("display_name") or user.get("real_name"))
        if learnt:
            async with self.db.transaction() as session:
                for user_id, (tz, name) in learnt.items():
                    await directory.set_member_profile(session, user_id, tz, name)
        return sum(1 for tz, _ in learnt.values() if tz)
