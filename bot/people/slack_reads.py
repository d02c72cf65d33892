"""Reading user groups' members and people's statuses from Slack, on the ticker: groups never read at once (at
start too), every group once an hour (one replica: the hour is claimed, ``storage.jobs.claim_period``), and the
status of each owner whose status was never learnt (``users.profile.get``); the events keep both current between.

When Slack does not answer (down, rate limited, the token rejected) nothing is changed: the last members known stay
in the database and in memory, the failure is logged, and the next tick or hour asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.people.groups import PeopleService, named_groups
from bot.runtime.clock import Clock
from bot.runtime.slack_client import DEAD_TOKEN_ERRORS, TokenHealth
from storage import directory, jobs, user_groups
from storage.database import Database

log = logging.getLogger(__name__)

HOURLY_JOB = "user-groups"
_SLACK_FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError)


def _error_of(error: Exception) -> str:
    if isinstance(error, SlackApiError) and isinstance(error.response.data, dict):
        return str(error.response.data.get("error") or error.response.status_code)
    return type(error).__name__


class SlackPeopleReader:
    """The ticker's job that asks Slack about user groups and statuses (the Web API client is the bot's)."""

    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        people: PeopleService,
        clock: Clock,
        token: TokenHealth | None = None,
        statuses_per_tick: int = 20,
    ) -> None:
        self.db = db
        self.client = client
        self.people = people
        self.clock = clock
        self.token = token or TokenHealth()
        self.statuses_per_tick = statuses_per_tick

    async def tick(self) -> int:
        """Read what is due; returns how many groups were read."""
        if not self.token.ok:
            return 0
        now = self.clock.now()
        groups = named_groups(self.people.workspace)
        read = 0
        if groups:
            async with self.db.transaction() as session:
                due = await user_groups.never_read(session, groups)
                if await jobs.claim_period(session, HOURLY_JOB, _hour_of(now), now):
                    due = groups  # this replica reads every group this hour
            read = await self.read_groups(due)
        await self.read_statuses()
        return read

    async def read_groups(self, group_ids: Sequence[str]) -> int:
        """Read each group's members; stops at the first failure (the rest keep what they had)."""
        read = 0
        for group_id in group_ids:
            try:
                response = await self.client.usergroups_users_list(usergroup=group_id)
            except _SLACK_FAILURES as error:
                self._failed("usergroups.users.list", group_id, error, "keeping its last known members")
                break
            users = response.get("users")
            members = [u for u in users if isinstance(u, str)] if isinstance(users, list) else []
            await self.people.store_read(group_id, members)
            read += 1
        return read

    async def read_statuses(self) -> int:
        """Learn the Slack status of owners never asked (the event tells every later change)."""
        workspace = self.people.workspace
        owners = list(dict.fromkeys(p for d in workspace.departments for p in workspace.people_of(d)))
        if not owners:
            return 0
        async with self.db.read() as session:
            pending = (await directory.without_status(session, owners))[: self.statuses_per_tick]
        learnt = 0
        for user_id in pending:
            try:
                response = await self.client.users_profile_get(user=user_id)
            except _SLACK_FAILURES as error:
                self._failed("users.profile.get", user_id, error, "asking again later")
                break
            profile = response.get("profile") or {}
            await self.people.status_changed(
                user_id,
                str(profile.get("status_emoji") or ""),
                str(profile.get("status_text") or ""),
                profile.get("status_expiration"),
            )
            learnt += 1
        return learnt

    def _failed(self, method: str, subject: str, error: Exception, consequence: str) -> None:
        code = _error_of(error)
        if code in DEAD_TOKEN_ERRORS and self.token.rejected(code, self.clock.now()):
            log.error("%s; user group and status reads pause too", self.token.problem())
            return
        log.warning("%s for %s failed (%s); %s", method, subject, code, consequence)


def _hour_of(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")
