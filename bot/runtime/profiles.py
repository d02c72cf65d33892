"""People's Slack time zones and names, learnt with ``users.info``: deadlines and stand-ups follow the owner's
own working day when Slack knows where they are, and the workspace time zone until then; text shown where Slack
cannot render a mention (plain-text fields, form errors, form prefills) names people instead of ``<@U…>``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.clock import Clock, SystemClock
from bot.runtime.slack_client import DEAD_TOKEN_ERRORS, TokenHealth, retry_after_seconds
from bot.surfaces.text import mentioned_users, to_plain
from storage import directory
from storage.database import Database

log = logging.getLogger(__name__)

# Asking Slack for names happens while Slack waits for our answer (a form error, a form to open within 3 s of
# the click): a few people at once, for at most this long; whoever is still unknown is shown by id.
NAME_LOOKUPS = 5
NAME_LOOKUP_SECONDS = 1.0


def _name_of(user: dict[str, object]) -> str | None:
    profile = user.get("profile")
    display = profile.get("display_name") if isinstance(profile, dict) else None
    name = display or user.get("real_name") or user.get("name")
    return name if isinstance(name, str) and name else None


async def display_names(db: Database, client: AsyncWebClient | None, user_ids: Iterable[str]) -> dict[str, str]:
    """Names for ``user_ids``: those the ticker learnt for members, then ``users.info`` for a few others (people
    outside every department), best effort; anyone Slack does not answer for in time is left out."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    async with db.read() as session:
        names = await directory.display_names(session, wanted)
    unknown = [user_id for user_id in wanted if user_id not in names][:NAME_LOOKUPS]
    if client is None or not unknown:
        return names

    async def ask(user_id: str) -> tuple[str, str | None]:
        try:
            response = await client.users_info(user=user_id)
        except (SlackApiError, aiohttp.ClientError, OSError):
            return user_id, None
        user = response.get("user")
        return user_id, _name_of(user) if isinstance(user, dict) else None

    try:
        answers = await asyncio.wait_for(asyncio.gather(*(ask(u) for u in unknown)), NAME_LOOKUP_SECONDS)
    except TimeoutError:
        log.info("users.info did not answer in time; showing %s person(s) by id", len(unknown))
        return names
    names.update({user_id: name for user_id, name in answers if name})
    return names


async def readable(db: Database, client: AsyncWebClient | None, text: str, *, emphasis: bool = True) -> str:
    """Slack text as plain text, with the people it mentions by name (:func:`bot.text.to_plain`)."""
    return to_plain(text, await display_names(db, client, mentioned_users(text)), emphasis=emphasis)


class MemberProfiles:
    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        clock: Clock | None = None,
        token: TokenHealth | None = None,
        batch: int = 20,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock or SystemClock()
        self.token = token or TokenHealth()
        self.batch = batch
        # Slack answered 429: no users.info before this moment (its Retry-After), whichever tick comes first.
        self._not_before: datetime | None = None

    async def refresh(self) -> int:
        """Look up members whose time zone is not known yet; returns how many were learnt.

        The Slack calls happen between two short transactions, never inside one. Nothing is asked while Slack's
        Retry-After runs or while it rejects the bot token (the outbox sender finds out when it takes it again).
        """
        now = self.clock.now()
        if not self.token.ok or (self._not_before is not None and now < self._not_before):
            return 0
        async with self.db.read() as session:
            pending = await directory.members_without_tz(session, self.batch)
        learnt: dict[str, tuple[str, str | None]] = {}
        for user_id in pending:
            try:
                response = await self.client.users_info(user=user_id)
            except SlackApiError as error:
                code = error.response.get("error") if isinstance(error.response.data, dict) else None
                if error.response.status_code == 429 or code == "ratelimited":
                    wait = retry_after_seconds(error.response.headers)
                    self._not_before = self.clock.now() + timedelta(seconds=wait)
                    log.warning("users.info is rate limited; asking again in %s s (Slack's Retry-After)", wait)
                    break
                if code in DEAD_TOKEN_ERRORS:
                    if self.token.rejected(str(code), self.clock.now()):
                        log.error("%s; profile look-ups pause too", self.token.problem())
                    break
                if code == "user_not_found":
                    learnt[user_id] = ("", None)  # "" = asked, unknown: do not ask again every tick
                    continue
                log.warning("users.info for %s failed (%s); will try again", user_id, code)
                break
            except (aiohttp.ClientError, TimeoutError, OSError):
                break  # Slack unreachable: the next tick tries again
            user = response.get("user") or {}
            learnt[user_id] = (str(user.get("tz") or ""), _name_of(user))
        if learnt:
            async with self.db.transaction() as session:
                for user_id, (tz, name) in learnt.items():
                    await directory.set_member_profile(session, user_id, tz, name)
        return sum(1 for tz, _ in learnt.values() if tz)
