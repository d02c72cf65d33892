"""The typed schema of the workspace file; every key of the public contract lives here.

Validation that needs more than one key at a time (a stand-up naming an unknown department, an owner
listed twice) is done in :meth:`WorkspaceConfig._cross_check`, so ``check-config`` reports it with the
line of the offending key like any other problem.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from config.away import DEFAULT_AWAY_STATUSES as DEFAULT_AWAY_STATUSES
from config.away import AwayStatus
from config.customers import LIFECYCLE_STAGES as LIFECYCLE_STAGES
from config.customers import CustomersAtRisk, CustomerSeed, customer_problems
from config.durations import parse_duration
from config.goals import MAX_GOALS, Goal
from config.groups import GroupMembers
from config.ids import UserId, UserOrGroupId, is_group_id

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKWEEK: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
Priority = Literal["urgent", "high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("urgent", "high", "normal", "low")
Language = Literal["en", "zh"]
CROSS_CHECK_ERROR = "crossdesk_cross_check"
# What Slack can show: the department picker holds 100 groups of 100 departments; a stand-up's questions are the
# answer form's labels and are repeated with every answer in the summary, whose sections hold 3,000 characters.
MAX_DEPARTMENTS = 10_000
MAX_STANDUP_QUESTIONS = 8
MAX_QUESTION_LENGTH = 150

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_DEPARTMENT_KEY = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']+$")

# Used when the file has no ``complaint_keywords``: a customer complaining, in English and Chinese (投诉 a complaint,
# 客诉 a customer complaint). "complain" also finds "complains" and "complained" (Latin keywords match word starts).
DEFAULT_COMPLAINT_KEYWORDS: tuple[str, ...] = ("complaint", "complain", "投诉", "客诉")


def _channel_id(value: str) -> str:
    if not isinstance(value, str) or not _CHANNEL_ID.match(value):
        raise ValueError(f"channel id {value!r} must be a Slack channel id such as C0123ABCD (not #name)")
    return value


def _department_key(value: str) -> str:
    if not isinstance(value, str) or not _DEPARTMENT_KEY.match(value):
        raise ValueError(
            f"department key {value!r} must be 2-10 capital letters or digits starting with a letter, e.g. SUP"
        )
    return value


def _keyword(value: str) -> str:
    if not value.strip():
        raise ValueError("a keyword must not be empty or only spaces: it would never match")
    return value


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"bad duration {value!r}: write a number with a unit s, m, h or d, e.g. 15m")
    return parse_duration(str(value))


def _catch_up_window(value: timedelta) -> timedelta:
    # Shorter than a minute, a tick that runs a little late would drop the day's work; longer than a day, a
    # restart would post yesterday's round as if it were today's.
    if not timedelta(minutes=1) <= value <= timedelta(days=1):
        raise ValueError("catch_up_within must be between 1m and 1d, e.g. 1h")
    return value


def _clock_time(value: object) -> time:
    if isinstance(value, time):
        return value
    # YAML 1.1 reads an unquoted 09:30 as the sexagesimal integer 570; undo that so admins need no quotes.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    match = _CLOCK_TIME.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'bad time of day {value!r}: write HH:MM on a 24-hour clock, e.g. "09:30"')
    return time(int(match.group(1)), int(match.group(2)))


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {value!r}: use an IANA name such as Asia/Shanghai or Europe/Berlin"
        ) from None
    return value


ChannelId = Annotated[str, AfterValidator(_channel_id)]
DepartmentKey = Annotated[str, AfterValidator(_department_key)]
Keyword = Annotated[str, AfterValidator(_keyword)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt key silently ignored is a deadline silently missed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Reactions(_Strict):
    ticket: str = "ticket"
    escalate: str = "rotating_light"

    @model_validator(mode="after")
    def _names_are_emoji(self) -> Reactions:
        for name in (self.ticket, self.escalate):
            if not _EMOJI_NAME.match(name):
                raise ValueError(f"reaction {name!r} must be an emoji name without colons, e.g. ticket")
        if self.ticket == self.escalate:
            raise ValueError("reactions.ticket and reactions.escalate must be different emoji")
        return self


class Department(_Strict):
    key: DepartmentKey
    name: str = Field(min_length=1)
    channel: ChannelId | None = None
    # Either may be a Slack user group id (``S…``): its members, as :class:`config.groups.GroupMembers` knows them.
    lead: UserOrGroupId | None = None
    owners: list[UserOrGroupId] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)

    @property
    def members(self) -> list[str]:
        """Owners and the lead, each once, in file order, as the file writes them (user group ids unexpanded: the
        expanded people are :meth:`WorkspaceConfig.people_of`)."""
        seen = dict.fromkeys([*self.owners, *([self.lead] if self.lead else [])])
        return list(seen)

    @property
    def groups(self) -> list[str]:
        """The user group ids among the owners and the lead."""
        return [value for value in self.members if is_group_id(value)]


class SlaTarget(_Strict):
    acknowledge: Duration
    resolve: Duration

    @model_validator(mode="after")
    def _resolve_after_acknowledge(self) -> SlaTarget:
        if self.resolve < self.acknowledge:
            raise ValueError("resolve must not be shorter than acknowledge")
        return self


class Sla(_Strict):
    urgent: SlaTarget = SlaTarget(acknowledge=timedelta(minutes=15), resolve=timedelta(hours=4))
    high: SlaTarget = SlaTarget(acknowledge=timedelta(hours=1), resolve=timedelta(days=1))
    normal: SlaTarget = SlaTarget(acknowledge=timedelta(hours=4), resolve=timedelta(days=3))
    low: SlaTarget = SlaTarget(acknowledge=timedelta(days=1), resolve=timedelta(days=7))
    # Consults: one department asking another about a ticket it keeps (internal work, so a tighter clock).
    consult: SlaTarget = SlaTarget(acknowledge=timedelta(hours=1), resolve=timedelta(days=1))

    def for_priority(self, priority: str) -> SlaTarget:
        target: SlaTarget = getattr(self, priority)
        return target


class WorkingHours(_Strict):
    days: list[Weekday] = Field(default_factory=lambda: list(WORKWEEK), min_length=1)
    start: ClockTime = time(9, 0)
    end: ClockTime = time(18, 0)

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("working_hours.end must be later than working_hours.start")
        return self


class Reminders(_Strict):
    repeat_every: Duration = timedelta(hours=1)
    escalate_after: int = Field(default=2, ge=1, le=20)


class Escalation(_Strict):
    # A ticket escalated again within this time is refused: one angry reaction storm is one escalation.
    cooldown: Duration = timedelta(minutes=30)


class Standup(_Strict):
    department: DepartmentKey
    at: ClockTime
    post_at: ClockTime
    days: list[Weekday] = Field(default_factory=lambda: list(WORKWEEK), min_length=1)
    questions: list[str] = Field(
        default_factory=lambda: [
            "What did you finish yesterday?",
            "What will you do today?",
            "Anything blocking you?",
        ],
        min_length=1,
    )

    @field_validator("questions")
    @classmethod
    def _questions_fit(cls, questions: list[str]) -> list[str]:
        if len(questions) > MAX_STANDUP_QUESTIONS:
            raise ValueError(
                f"{len(questions)} questions; at most {MAX_STANDUP_QUESTIONS} fit the answer form and the summary"
            )
        for number, question in enumerate(questions, start=1):
            if not question.strip():
                raise ValueError(f"question {number} is empty")
            if len(question) > MAX_QUESTION_LENGTH:
                raise ValueError(
                    f"question {number} is {len(question)} characters long; at most {MAX_QUESTION_LENGTH} "
                    "(it is repeated with every answer in the summary)"
                )
        return questions

    @model_validator(mode="after")
    def _post_after_questions(self) -> Standup:
        if self.post_at <= self.at:
            raise ValueError("post_at must be later than at")
        return self


class Digest(_Strict):
    channel: ChannelId
    at: ClockTime = time(18, 0)
    # The weekly scorecard (every goal's trend) is posted on this day, at ``at``; none without it.
    weekly: Weekday | None = None


class WorkspaceConfig(_Strict):
    """The whole workspace file. Defaults make a two-line file (departments + triage) usable."""

    timezone: TimeZoneName = "UTC"
    language: Language = "en"
    admins: list[UserId] = Field(default_factory=list)
    _departments_by_key: tuple[list[Department], dict[str, Department]] | None = PrivateAttr(default=None)
    _groups: GroupMembers = PrivateAttr(default_factory=GroupMembers)
    intake_channels: list[ChannelId] = Field(default_factory=list)
    triage_department: DepartmentKey
    reactions: Reactions = Reactions()
    departments: list[Department] = Field(min_length=1)
    sla: Sla = Sla()
    working_hours: WorkingHours = WorkingHours()
    holidays: list[date] = Field(default_factory=list)
    reminders: Reminders = Reminders()
    standups: list[Standup] = Field(default_factory=list)
    digest: Digest | None = None
    bounce_limit: int = Field(default=3, ge=1, le=50)
    escalation: Escalation = Escalation()
    auto_close_after: Duration = timedelta(days=3)
    # After an outage, a stand-up step or digest missed while the bot was down still runs if it is at most
    # this late; later than that it is dropped for the day (a summary nobody was asked for helps nobody).
    catch_up_within: Annotated[Duration, AfterValidator(_catch_up_window)] = timedelta(hours=1)
    # A ticket whose text matches one of these counts as a complaint (the digest's complaints); [] turns it off.
    complaint_keywords: list[Keyword] = Field(default_factory=lambda: list(DEFAULT_COMPLAINT_KEYWORDS))
    # A member whose Slack status has one of these emoji (``:palm_tree:``) or texts (matched case-insensitively
    # anywhere in the status text) is skipped by the round robin while the status lasts; [] turns it off.
    away_statuses: list[AwayStatus] = Field(default_factory=lambda: list(DEFAULT_AWAY_STATUSES))
    # Shared goals, measured for every department and for the whole company (config/goals.py).
    goals: list[Goal] = Field(default_factory=list, max_length=MAX_GOALS)
    # Where the running teams come from: this file, or the database (edited from Slack; the file seeds it).
    config_source: Literal["file", "database"] = "file"
    # Customers the file creates when the database lacks them (config/customers.py); Slack and imports add more.
    customers: list[CustomerSeed] = Field(default_factory=list)
    customers_at_risk: CustomersAtRisk = CustomersAtRisk()

    @model_validator(mode="after")
    def _cross_check(self) -> WorkspaceConfig:
        problems = cross_check(self.model_dump())
        if problems:
            # One error carrying every located problem; the loader turns each back into its own line.
            raise PydanticCustomError(
                CROSS_CHECK_ERROR,
                "{summary}",
                {"summary": "; ".join(problems), "entries": problems},
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def department(self, key: str) -> Department | None:
        # Asked several times for every ticket: a dict, rebuilt if a copy of this model has other departments
        # (``model_copy`` carries private attributes over).
        index = self._departments_by_key
        if index is None or index[0] is not self.departments:
            index = self._departments_by_key = (self.departments, {d.key: d for d in self.departments})
        return index[1].get(key.upper())

    @property
    def groups(self) -> GroupMembers:
        """The members of the user groups this configuration names, as this process knows them now."""
        return self._groups

    def with_groups(self, groups: GroupMembers) -> WorkspaceConfig:
        """This configuration, reading user groups' members from ``groups`` (a copy: the file's model is shared)."""
        copy = self.model_copy()
        copy._groups = groups
        return copy

    def owners_of(self, department: Department) -> list[str]:
        """The department's owners: plain ids and every group's members, in file order, each once."""
        return self._groups.expand(department.owners)

    def leads_of(self, department: Department) -> list[str]:
        """Who acts as the department's lead: the lead, or every member of the lead's user group."""
        return self._groups.expand([department.lead] if department.lead else [])

    def people_of(self, department: Department) -> list[str]:
        """Owners and leads, each once, groups expanded."""
        return self._groups.expand(department.members)

    def rotation_of(self, department: Department) -> list[str]:
        """Whom the round robin turns through: the owners; while their groups have no members known (never read,
        or emptied in Slack), the leads, then the admins, so a new ticket still gets someone accountable."""
        return self.owners_of(department) or self.leads_of(department) or list(self.admins)

    @property
    def triage(self) -> Department:
        department = self.department(self.triage_department)
        assert department is not None, "validated in _cross_check"
        return department


def cross_check(data: dict[str, Any]) -> list[str]:
    """Problems that involve more than one key, as ``"path: message"`` lines.

    Works on plain data as well as on a validated model's dump, so ``check-config`` can report these
    together with field errors instead of only after every field is fixed.
    """
    problems: list[str] = []
    departments = [d for d in data.get("departments") or [] if isinstance(d, dict)]
    keys = [str(d.get("key")) for d in departments if d.get("key") is not None]
    known = ", ".join(keys) or "none"
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            problems.append(f"departments[{index}].key: department {key} is defined twice")
        seen.add(key)
    if len(departments) > MAX_DEPARTMENTS:
        problems.append(
            f"departments: {len(departments)} departments; at most {MAX_DEPARTMENTS} fit Slack's department picker "
            "(100 groups of 100)"
        )
    goal_names: set[str] = set()
    for index, goal in enumerate(data.get("goals") or []):
        name = str(goal.get("name", "")).strip().casefold() if isinstance(goal, dict) else ""
        if name and name in goal_names:
            problems.append(f"goals[{index}].name: a goal named {goal.get('name')!r} is defined twice")
        goal_names.add(name)
    triage = data.get("triage_department")
    if triage is not None and keys and triage not in keys:
        problems.append(f"triage_department: unknown department {triage} (known: {known})")
    for index, standup in enumerate(data.get("standups") or []):
        if isinstance(standup, dict) and keys and standup.get("department") not in keys:
            problems.append(
                f"standups[{index}].department: unknown department {standup.get('department')} (known: {known})"
            )
    problems.extend(customer_problems(data.get("customers")))
    for index, department in enumerate(departments):
        owners = department.get("owners") or []
        for owner_index, owner in enumerate(owners if isinstance(owners, list) else []):
            if owner in owners[:owner_index]:
                problems.append(f"departments[{index}].owners[{owner_index}]: {owner} is listed twice")
    return problems
