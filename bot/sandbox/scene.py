"""Filling a fake workspace from the workspace file — the one way tests, the benchmarks and the sandbox do it —
and the sandbox's cast: every person and channel the file names, readably named.

A user group the file gives as owners or a lead (``S0NIGHT``) gets two members of its own (``U0NIGHT1``,
``U0NIGHT2``), so it can be tried at once; the sandbox page edits its members.

In the sandbox people get a role the page's "you are" switcher shows (requester, owner, lead, admin), so a newcomer
can act as each of them without knowing any Slack id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.runtime.clock import Clock
from bot.sandbox.fake_slack.models import DEFAULT_TZ
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from config.ids import is_group_id
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
    role: str  # requester | owner | lead | admin | manager (an account manager in no department)
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


GROUP_SIZE = 2  # members a user group of the file starts with


def _group_core(group_id: str) -> str:
    return group_id[2:] if group_id.startswith("S0") else group_id[1:]


def group_handle(group_id: str) -> str:
    """``S0NIGHT`` → ``night``: the group's @handle."""
    return _group_core(group_id).lower().replace("_", "-")


def scene_groups(config: WorkspaceConfig) -> dict[str, list[str]]:
    """Each user group the file names, with the members it starts with: ``S0NIGHT`` → ``U0NIGHT1``, ``U0NIGHT2``."""
    groups = dict.fromkeys(g for department in config.departments for g in department.groups)
    return {g: [f"U0{_group_core(g)}{n}" for n in range(1, GROUP_SIZE + 1)] for g in groups}


def _people_named(value: str, groups: dict[str, list[str]]) -> list[str]:
    """``value`` itself, or a group's starting members."""
    return groups.get(value, []) if is_group_id(value) else [value]


def cast(config: WorkspaceConfig) -> list[Person]:
    """Everyone the sandbox plays, requester first, then by department, admins, then account managers in no
    department; each person once."""
    people: dict[str, Person] = {REQUESTER_ID: Person(REQUESTER_ID, REQUESTER_NAME, "requester", None)}
    groups = scene_groups(config)
    for department in config.departments:
        key = department.key
        for number, owner in enumerate(department.owners, start=1):
            for member_number, member in enumerate(_people_named(owner, groups), start=1):
                fallback = (
                    f"{group_handle(owner).title()} {member_number}" if owner in groups else f"{key} Owner {number}"
                )
                people.setdefault(member, Person(member, readable_name(member, fallback), "owner", key))
        for member_number, lead in enumerate(_people_named(department.lead or "", groups), start=1):
            if not lead:
                continue
            if department.lead in groups:
                lead_name = f"{group_handle(department.lead).title()} {member_number}"
            else:
                lead_name = f"{key} Lead" if lead.startswith("U0LEAD") else readable_name(lead, f"{key} Lead")
            people.setdefault(lead, Person(lead, lead_name, "lead", key))
    for number, admin in enumerate(config.admins, start=1):
        people.setdefault(admin, Person(admin, readable_name(admin, f"Admin {number}"), "admin", None))
    managers = dict.fromkeys(c.manager for c in config.customers if c.manager)
    for number, manager in enumerate(managers, start=1):
        people.setdefault(
            manager, Person(manager, readable_name(manager, f"Account Manager {number}"), "manager", None)
        )
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


def populate(
    workspace: SlackWorkspace,
    config: WorkspaceConfig,
    *,
    readable: bool = False,
    extra_people: Iterable[str] = (),
    extra_channels: Iterable[str] = (),
) -> None:
    """Give ``workspace`` every person and channel the workspace file names, everyone in every channel, and the bot
    invited to each (as the install guide tells an admin to do). People already in the workspace are kept.

    By default names come from the ids (``U0ALICE`` → ``alice``, ``C0INTAKE`` → ``intake``), in id order, in Slack's
    default timezone. ``readable``: the sandbox's cast instead — the requester too, names from ``cast`` and
    ``channel_names`` (readable for real Slack ids), everyone in the file's timezone. ``extra_people`` and
    ``extra_channels`` are added by id (a test's outsider, the benchmarks' reaction channels).
    """
    extra_people, extra_channels = list(extra_people), list(extra_channels)
    people: dict[str, tuple[str, str | None]]  # id -> (username, real name; None: the username)
    if readable:
        people = {p.id: (username(p.name), p.name) for p in cast(config)}
        channels = channel_names(config)
    else:
        managers = {c.manager for c in config.customers if c.manager}
        groups = scene_groups(config)
        named = (person for d in config.departments for member in d.members for person in _people_named(member, groups))
        in_file = {*config.admins, *managers, *named}
        people = {user_id: (_id_name(user_id), None) for user_id in sorted(in_file | set(extra_people))}
        channels = {
            channel: _id_name(channel) for channel in sorted(channel_names(config).keys() | set(extra_channels))
        }
    for user_id in extra_people:
        people.setdefault(user_id, (_id_name(user_id), None))
    for channel in extra_channels:
        channels.setdefault(channel, _id_name(channel))
    timezone = config.timezone if readable else DEFAULT_TZ
    for user_id, (name, real_name) in people.items():
        if user_id not in workspace.users:
            workspace.add_user(user_id, name, real_name, tz=timezone)
    for channel, name in channels.items():
        workspace.add_channel(channel, name, members=people)
        workspace.invite_bot(channel)
    for group_id, members in scene_groups(config).items():
        if group_id not in workspace.user_groups:
            handle = group_handle(group_id)
            workspace.add_user_group(group_id, handle, handle.replace("-", " ").title(), members)


def _id_name(slack_id: str) -> str:
    """``U0ALICE`` → ``alice``, ``C0INTAKE`` → ``intake``: a name for an id when readability does not matter."""
    return slack_id[2:].lower()


def build_workspace(config: WorkspaceConfig, clock: Clock, *, bot_token: str) -> SlackWorkspace:
    """The sandbox's fake workspace: the bot named Crossdesk, and the file's people and channels, readably named."""
    workspace = SlackWorkspace(bot_name=BOT_NAME.lower(), bot_token=bot_token, clock=clock)
    workspace.users[workspace.bot_user_id].real_name = BOT_NAME
    populate(workspace, config, readable=True)
    return workspace
