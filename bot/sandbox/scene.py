"""The sandbox's cast: a fake workspace with every person and channel the workspace file names, readably named.

People get a role the page's "you are" switcher shows (requester, owner, lead, admin), so a newcomer can act
as each of them without knowing any Slack id.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.sandbox.slack_api import SlackWorkspace
from config.schema import WorkspaceConfig

# Someone outside every department, to play the colleague who brings the customer's problem.
REQUESTER_ID = "U0REQUESTER"
REQUESTER_NAME = "Riley Requester"
BOT_NAME = "Crossdesk"


@dataclass(frozen=True)
class Person:
    """A member as the page lists them."""

    id: str
    name: str
    role: str  # requester | owner | lead | admin
    department: str | None


def readable_name(user_id: str) -> str:
    """``U0ALICE`` → ``Alice``: the example file's ids are names already, minus Slack's prefix."""
    core = user_id[2:] if user_id[:2] in {"U0", "W0"} else user_id[1:]
    return core.replace("_", " ").title() or user_id


def username(user_id: str) -> str:
    """``U0LEADSUP`` → ``leadsup``: what people type after ``@`` to mention someone."""
    return readable_name(user_id).replace(" ", "").lower()


def channel_name(channel_id: str) -> str:
    """``C0INTAKE`` → ``intake``, like a Slack channel name."""
    core = channel_id[2:] if channel_id[:2] in {"C0", "G0"} else channel_id[1:]
    return core.lower().replace("_", "-") or channel_id.lower()


def cast(config: WorkspaceConfig) -> list[Person]:
    """Everyone the sandbox plays, requester first, then by department, admins last; each person once."""
    people: dict[str, Person] = {REQUESTER_ID: Person(REQUESTER_ID, REQUESTER_NAME, "requester", None)}
    for department in config.departments:
        for owner in department.owners:
            people.setdefault(owner, Person(owner, readable_name(owner), "owner", department.key))
        if department.lead:
            name = f"{department.key} Lead" if department.lead.startswith("U0LEAD") else None
            people.setdefault(
                department.lead, Person(department.lead, name or readable_name(department.lead), "lead", department.key)
            )
    for admin in config.admins:
        people.setdefault(admin, Person(admin, readable_name(admin), "admin", None))
    return list(people.values())


def channels_of(config: WorkspaceConfig) -> list[str]:
    """Intake channels first, then department channels, then the digest channel; each once."""
    ordered = [*config.intake_channels, *(d.channel for d in config.departments if d.channel)]
    if config.digest:
        ordered.append(config.digest.channel)
    return list(dict.fromkeys(ordered))


def build_workspace(config: WorkspaceConfig, clock: Clock, *, bot_token: str) -> SlackWorkspace:
    """A fake workspace holding the cast, a channel per channel id in the file (everyone a member), and the bot."""
    workspace = SlackWorkspace(bot_name=BOT_NAME.lower(), bot_token=bot_token, clock=clock)
    workspace.users[workspace.bot_user_id].real_name = BOT_NAME
    people = cast(config)
    for person in people:
        workspace.add_user(person.id, username(person.id), person.name, tz=config.timezone)
    for channel in channels_of(config):
        workspace.add_channel(channel, channel_name(channel), members=[p.id for p in people])
    return workspace
