"""The sandbox's cast: a fake workspace with every person and channel the workspace file names, readably named.

People get a role the page's "you are" switcher shows (requester, owner, lead, admin), so a newcomer can act
as each of them without knowing any Slack id.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.runtime.clock import Clock
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


def readable_name(user_id: str, fallback: str) -> str:
    """``U0ALICE`` → ``Alice``: the example file's ids are names already; a real id (``U012AB3CD``) gets
    ``fallback``, a name from the person's role."""
    core = user_id[2:] if user_id[:2] in {"U0", "W0"} else user_id[1:]
    return core.replace("_", " ").title() if core.replace("_", "").isalpha() else fallback


def username(name: str) -> str:
    """``SUP Lead`` → ``suplead``: what people type after ``@`` to mention someone."""
    return "".join(name.split()).lower()


def _channel_name(channel_id: str, fallback: str) -> str:
    """``C0INTAKE`` → ``intake``, like a Slack channel name; a real id gets ``fallback``."""
    core = channel_id[2:] if channel_id[:2] in {"C0", "G0"} else channel_id[1:]
    return core.lower().replace("_", "-") if core.replace("_", "").isalpha() else fallback


def cast(config: WorkspaceConfig) -> list[Person]:
    """Everyone the sandbox plays, requester first, then by department, admins last; each person once."""
    people: dict[str, Person] = {REQUESTER_ID: Person(REQUESTER_ID, REQUESTER_NAME, "requester", None)}
    for department in config.departments:
        key = department.key
        for number, owner in enumerate(department.owners, start=1):
            name = readable_name(owner, f"{key} Owner {number}")
            people.setdefault(owner, Person(owner, name, "owner", key))
        if department.lead:
            lead = department.lead
            lead_name = f"{key} Lead" if lead.startswith("U0LEAD") else readable_name(lead, f"{key} Lead")
            people.setdefault(lead, Person(lead, lead_name, "lead", key))
    for number, admin in enumerate(config.admins, start=1):
        people.setdefault(admin, Person(admin, readable_name(admin, f"Admin {number}"), "admin", None))
    return list(people.values())


def channel_names(config: WorkspaceConfig) -> dict[str, str]:
    """Channel id → name: intake channels first, then department channels, then the digest channel; each once."""
    names: dict[str, str] = {}
    for number, channel in enumerate(config.intake_channels, start=1):
        names.setdefault(channel, _channel_name(channel, "intake" if number == 1 else f"intake-{number}"))
    for department in config.departments:
        if department.channel:
            names.setdefault(department.channel, _channel_name(department.channel, department.key.lower()))
    if config.digest:
        names.setdefault(config.digest.channel, _channel_name(config.digest.channel, "digest"))
    return names


def build_workspace(config: WorkspaceConfig, clock: Clock, *, bot_token: str) -> SlackWorkspace:
    """A fake workspace holding the cast and the bot, and a channel per channel id in the file (everyone in it)."""
    workspace = SlackWorkspace(bot_name=BOT_NAME.lower(), bot_token=bot_token, clock=clock)
    workspace.users[workspace.bot_user_id].real_name = BOT_NAME
    people = cast(config)
    for person in people:
        workspace.add_user(person.id, username(person.name), person.name, tz=config.timezone)
    for channel, name in channel_names(config).items():
        workspace.add_channel(channel, name, members=[p.id for p in people])
        workspace.invite_bot(channel)  # an admin invites the app to every channel the workspace file names
    return workspace
