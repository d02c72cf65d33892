"""The digest as numbers: what ``bot.schedule.digest`` computes, ``bot.surfaces.digest_views`` renders and
``bot.schedule.charts`` draws.

A module of its own so the views and the chart can take the report without importing the digest service, which
imports both to post it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.schedule.handoff_map import HandoffMap
from config.schema import LIFECYCLE_STAGES

UNKNOWN_STAGE = "unknown"  # a complaint whose customer's lifecycle stage was not given
STAGES: tuple[str, ...] = (*LIFECYCLE_STAGES, UNKNOWN_STAGE)  # the digest's complaints, in this order


@dataclass(frozen=True)
class Satisfaction:
    """Ratings answered in the report's days: how many, and their average score (1–5; ``None`` with none)."""

    answered: int = 0
    average: float | None = None


@dataclass(frozen=True)
class DepartmentNumbers:
    """One department's row of the digest. Medians are in hours, ``None`` when nothing was measured."""

    key: str
    name: str
    opened: int  # today
    resolved: int  # today
    open: int  # now: open, acknowledged, waiting or blocked
    overdue: int  # now
    median_ack_hours: float | None  # over tickets acknowledged in the report's days
    median_resolve_hours: float | None  # over tickets resolved in the report's days
    bounced: int  # moves to another department in the report's days, counted where the ticket left
    opened_per_day: tuple[int, ...]  # one count per day of ``DigestReport.days``
    satisfaction: Satisfaction = Satisfaction()  # ratings of its tickets answered in the report's days


@dataclass(frozen=True)
class OpenTicket:
    key: str
    title: str
    department_key: str
    department_name: str
    owner_id: str
    status: str
    created_at: datetime
    age: timedelta
    link: str | None  # the card's permalink, when the bot knows its workspace URL and the card was posted
    blocked_on_consult: bool = False  # blocked waiting on another department's answer, not just blocked


@dataclass(frozen=True)
class DigestReport:
    """The digest as numbers; ``render_blocks`` and the chart draw it, tests read it."""

    generated_at: datetime
    day: date  # "today" in the workspace time zone
    days: tuple[date, ...]  # the report's days, oldest first, ending with ``day``
    timezone: str
    language: str
    departments: tuple[DepartmentNumbers, ...]
    oldest_open: tuple[OpenTicket, ...]
    complaints: Mapping[str, int]  # every stage of ``STAGES``, zero included
    handoffs: HandoffMap | None = None  # who waited on whom over the report's days (``None``: not read)
    # Ratings answered in the report's days by customer lifecycle stage: every stage of ``STAGES``, none included.
    satisfaction: Mapping[str, Satisfaction] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        """How many ratings were answered in the report's days, in all."""
        return sum(stage.answered for stage in self.satisfaction.values())

    def department(self, key: str) -> DepartmentNumbers:
        return next(d for d in self.departments if d.key == key)

    def total(self, field: str) -> int:
        return sum(int(getattr(d, field)) for d in self.departments)
