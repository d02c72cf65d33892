"""What a person changes of Slack itself on the sandbox page: a user group's members (as a workspace admin would
in Slack), and their own status. Each change is made in the fake workspace and then told to the bot with the event
Slack sends (``subteam_members_changed``, ``user_status_changed``), so the round robin can be watched following it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.sandbox import slack_requests
from bot.sandbox.delivery import Delivery
from bot.sandbox.fake_slack.models import JsonDict
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.people import SUBSCRIBED_EVENTS, Outcome, delivered
from bot.surfaces.i18n import Translator

# The emoji the page offers for a status: the default away ones, and two that are not away.
STATUS_EMOJI = (":palm_tree:", ":face_with_thermometer:", ":airplane:", ":coffee:", ":spiral_calendar_pad:")
MAX_STATUS_MINUTES = 60 * 24 * 30
MAX_STATUS_TEXT = 100  # what Slack keeps of a status text


LABELS = ("open", "title", "hint", "status", "no_emoji", "text", "no_end", "hour", "day", "set", "clear", "groups")
LABELS_MORE = ("members", "save", "close", "none")


def page_labels(language: str) -> dict[str, str]:
    """The panel's words in the workspace's language (``sandbox.teams.*`` in the catalogue)."""
    t = Translator(language).t
    return {name: t(f"sandbox.teams.{name}") for name in (*LABELS, *LABELS_MORE)}


class TeamEdits:
    """Edits of user groups and statuses, each delivered to the bot as Slack's event."""

    def __init__(self, workspace: SlackWorkspace, delivery: Delivery) -> None:
        self.workspace = workspace
        self.delivery = delivery

    def describe(self) -> JsonDict:
        """The user groups (with members) and everyone's status, for the page."""
        return {
            "groups": [
                {"id": g.id, "handle": g.handle, "name": g.name, "members": list(g.users)}
                for g in self.workspace.user_groups.values()
            ],
            "statuses": {
                u.id: {"emoji": u.status_emoji, "text": u.status_text, "expiration": u.status_expiration}
                for u in self.workspace.users.values()
                if u.status_emoji or u.status_text
            },
            "status_emoji": list(STATUS_EMOJI),
        }

    async def edit_group(self, group_id: str, members: Sequence[str]) -> Outcome:
        if group_id not in self.workspace.user_groups:
            return Outcome(ok=False, error=f"no user group {group_id!r} in this workspace")
        chosen = [m for m in members if isinstance(m, str)]
        # Those who stay keep their places; those who join come after them, as a group's list grows in Slack.
        current = self.workspace.user_groups[group_id].users
        people = [m for m in current if m in chosen] + [m for m in chosen if m not in current]
        if not people:
            return Outcome(ok=False, error="a user group needs at least one member")  # as Slack's own editor says
        try:
            added, removed = self.workspace.set_group_members(group_id, people)
        except KeyError as error:
            return Outcome(ok=False, error=str(error.args[0]))
        if (not added and not removed) or "subteam_members_changed" not in SUBSCRIBED_EVENTS:
            return Outcome()
        event = slack_requests.subteam_members_changed_event(subteam=group_id, added=added, removed=removed)
        return delivered(await self.delivery.event(event), "user group change")

    async def set_status(self, user: str, emoji: str, text: str, minutes: int) -> Outcome:
        """``user``'s status; ``minutes`` until it ends (0: no end). An empty emoji and text clear it."""
        if user not in self.workspace.users or self.workspace.users[user].is_bot:
            return Outcome(ok=False, error=f"no person {user!r} in this workspace")
        if emoji and emoji not in STATUS_EMOJI:
            return Outcome(ok=False, error=f"choose one of {', '.join(STATUS_EMOJI)}")
        if len(text) > MAX_STATUS_TEXT or not 0 <= minutes <= MAX_STATUS_MINUTES:
            return Outcome(ok=False, error=f"a status is at most {MAX_STATUS_TEXT} characters and 30 days long")
        now = self.workspace.clock.now()
        expiration = int((now + timedelta(minutes=minutes)).timestamp()) if minutes and (emoji or text) else 0
        self.workspace.set_status(user, emoji, text.strip(), expiration)
        event = slack_requests.user_status_changed_event(
            user=user, emoji=emoji, text=text.strip(), expiration=expiration
        )
        return delivered(await self.delivery.event(event), "status change")
