"""The tables. Each row type says why it exists; queries live in the repository modules beside this one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.indexes import only_set
from storage.types import UTCDateTime


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements that skip the ORM's per-object work."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Department(SQLModel, table=True):
    """A department as last synced from the workspace file, plus the two counters that must be atomic.

    ``last_number`` hands out ticket numbers and ``next_owner`` drives the round robin; both are bumped
    with ``UPDATE … RETURNING`` in the ticket's own transaction, so two processes never share a value.
    """

    __tablename__ = "departments"

    key: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=200)
    channel: str | None = Field(default=None, max_length=32)
    lead: str | None = Field(default=None, max_length=32)
    last_number: int = Field(default=0)
    next_owner: int = Field(default=0)


class Member(SQLModel, table=True):
    """A person the bot knows: what it learnt from Slack (time zone; status, until when, learnt ``status_at``, from
    which ``bot/people/away.py`` judges them away) and whether they said ``/ticket away``."""

    __tablename__ = "members"

    user_id: str = Field(primary_key=True, max_length=32)
    display_name: str | None = Field(default=None, max_length=200)
    tz: str | None = Field(default=None, max_length=64)
    away: bool = Field(default=False)
    status_emoji: str | None = Field(default=None, max_length=100)
    status_text: str | None = Field(default=None, max_length=200)
    status_until: datetime | None = _utc_column()  # None: no end (Slack's status_expiration 0)
    status_at: datetime | None = _utc_column()  # when the status was learnt; None: never read


class Ticket(SQLModel, table=True):
    """One piece of cross-department work with exactly one accountable owner.

    ``key`` (``SUP-12``) is unique and never changes, even when the ticket moves to another department;
    the numbers themselves come from the department's counter (``Department.last_number``).
    """

    __tablename__ = "tickets"
    __table_args__ = (
        # A message becomes a ticket once, however many times it is reacted to or redelivered.
        UniqueConstraint("origin_channel", "origin_ts", name="uq_tickets_origin"),
        Index("ix_tickets_status_ack_due", "status", "ack_due_at"),
        Index("ix_tickets_status_resolve_due", "status", "resolve_due_at"),
        Index("ix_tickets_thread", "thread_channel", "thread_ts"),
        # A reaction on a card finds its ticket; the card is posted after the ticket is stored.
        Index("ix_tickets_card", "card_channel", "card_ts", **only_set("card_ts")),
        Index("ix_tickets_status_resolved_at", "status", "resolved_at", **only_set("resolved_at")),
        Index("ix_tickets_pending_owner", "pending_owner_id", **only_set("pending_owner_id")),
        Index("ix_tickets_status_next_reminder", "status", "next_reminder_at"),  # the reminder tick
        # App Home, /ticket list and the department's queue: whose, in which status, oldest first.
        Index("ix_tickets_owner_status_created", "owner_id", "status", "created_at"),
        Index("ix_tickets_requester_status_created", "requester_id", "status", "created_at"),
        Index("ix_tickets_department_status_created", "department_key", "status", "created_at"),
        # The digest's date ranges.
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_acknowledged_at", "acknowledged_at", **only_set("acknowledged_at")),
        Index("ix_tickets_resolved_at", "resolved_at", **only_set("resolved_at")),
        Index("ix_tickets_parent", "parent_id", **only_set("parent_id")),  # a ticket's consults
        Index("ix_tickets_kind_created_at", "kind", "created_at"),  # the hand-off map's consults in a period
        # A customer's card and the account manager's App Home; a ticket's duplicates (its card, /ticket show).
        Index("ix_tickets_customer_status", "customer_id", "status", **only_set("customer_id")),
        Index("ix_tickets_duplicate_of", "duplicate_of_id", **only_set("duplicate_of_id")),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=24)
    department_key: str = Field(foreign_key="departments.key", max_length=10)
    number: int
    owner_id: str = Field(max_length=32)
    requester_id: str = Field(max_length=32)
    title: str = Field(max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    priority: str = Field(max_length=10)
    status: str = Field(max_length=16)
    source: str = Field(max_length=16)  # message | command | reaction | modal
    origin_channel: str | None = Field(default=None, max_length=32)
    origin_ts: str | None = Field(default=None, max_length=32)
    thread_channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    card_channel: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    escalation_level: int = Field(default=0)
    last_escalated_at: datetime | None = _utc_column()
    bounce_count: int = Field(default=0)
    # A hand-off waiting for the new owner to accept; until then ``owner_id`` stays accountable.
    pending_owner_id: str | None = Field(default=None, max_length=32)
    pending_department_key: str | None = Field(default=None, max_length=10)
    pending_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    pending_by_id: str | None = Field(default=None, max_length=32)
    pending_at: datetime | None = _utc_column()
    # The SLA clock stops while the ticket waits on the requester or is blocked; resume extends the dues.
    paused_at: datetime | None = _utc_column()
    sla_started_at: datetime | None = _utc_column()  # when the SLA clock last (re)started: creation or reopen
    # Overdue reminders: when the next one is due and how many went unanswered (the escalation ladder).
    next_reminder_at: datetime | None = _utc_column()
    reminder_count: int = Field(default=0)
    customer_name: str | None = Field(default=None, max_length=200)
    customer_id: int | None = Field(default=None, foreign_key="customers.id")  # the customer this work is for
    lifecycle_stage: str | None = Field(default=None, max_length=16)
    is_complaint: bool = Field(default=False)
    # Made from a private channel or a DM: only its requester, owner, the departments it passed through and admins
    # may see what it says.
    is_private: bool = Field(default=False)
    # ``ticket``, or ``consult``: a question one department asks another about ``parent_id`` without giving that
    # ticket away. A consult is a ticket of its own in the asked department (key, owner, clock on ``sla.consult``).
    kind: str = Field(default="ticket", max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="tickets.id")
    # While the owner waits on another department's answer: the consult this ticket is blocked on (status blocked).
    blocked_on_id: int | None = Field(default=None, foreign_key="tickets.id")
    # Closed as a duplicate of another ticket; its requester follows that one (:class:`TicketFollower`).
    duplicate_of_id: int | None = Field(default=None, foreign_key="tickets.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    acknowledged_at: datetime | None = _utc_column()
    resolved_at: datetime | None = _utc_column()
    closed_at: datetime | None = _utc_column()
    ack_due_at: datetime | None = _utc_column()
    resolve_due_at: datetime | None = _utc_column()


class TicketEvent(SQLModel, table=True):
    """The audit trail: every change to a ticket, who made it and when. Comments are events too."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_action_at", "action", "at"),)  # the digest's moves and bounces

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=32)
    from_value: str | None = Field(default=None, max_length=200)
    to_value: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    slack_ts: str | None = Field(default=None, max_length=32)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Customer(SQLModel, table=True):
    """A customer every department's work can hang on, with the one account manager (客户经理) who sees all of it.

    ``name_key`` is the name folded for matching (case and width), unique, so "ACME Corp" is one customer however
    it is typed; ``aliases`` are other names (folded the same way) that link a ticket by its text.
    """

    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_updated_at", "updated_at"),  # the tick's "did any customer change?" (max of it)
        Index("ix_customers_at_risk_since", "at_risk_since"),  # the tick's flagged customers
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    stage: str | None = Field(default=None, max_length=16)  # acquisition | conversion | retention | growth | win-back
    manager_id: str | None = Field(default=None, max_length=32, index=True)
    external_id: str | None = Field(default=None, max_length=100, unique=True)  # e.g. the CRM's id
    at_risk_since: datetime | None = _utc_column()  # flagged at risk (2+ complaints in 30 days); the manager told once
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CustomerName(SQLModel, table=True):
    """Every name a customer is found by, its own and its aliases, folded (``config.customers.fold_name``): one row
    each, and each name one customer's. ``/customer``, ``/ticket customer`` and the form's type-ahead look names up
    here; ``Customer.aliases`` keeps them as people wrote them, for showing."""

    __tablename__ = "customer_names"
    __table_args__ = (
        # The type-ahead's ``key LIKE 'ac%'``: PostgreSQL searches a text index by prefix only with pattern ops
        # (its collation orders text otherwise); SQLite uses the primary key.
        Index("ix_customer_names_prefix", "key", postgresql_ops={"key": "varchar_pattern_ops"}),
    )

    key: str = Field(primary_key=True, max_length=200)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    alias: bool = Field(default=False)  # an alias, not the customer's own name


class CustomerEvent(SQLModel, table=True):
    """Every change to a customer (created, stage, manager, aliases, at risk), who made it and when."""

    __tablename__ = "customer_events"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=32)
    from_value: str | None = Field(default=None, max_length=200)
    to_value: str | None = Field(default=None, max_length=200)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Rating(SQLModel, table=True):
    """A satisfaction rating (1–5) asked once of one person for one resolved ticket; ``score`` stays empty until
    they answer."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", "user_id", name="uq_ratings_ticket_user"),
        Index("ix_ratings_answered_at", "answered_at"),  # the digest's and the scorecard's windows
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    user_id: str = Field(max_length=32)
    score: int | None = Field(default=None)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    asked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    answered_at: datetime | None = _utc_column()
    prompt_channel: str | None = Field(default=None, max_length=32)
    prompt_ts: str | None = Field(default=None, max_length=32)


class TicketLink(SQLModel, table=True):
    """Two tickets about related work, shown on both cards. Stored once, lower id first."""

    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id", name="uq_ticket_links_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    other_id: int = Field(foreign_key="tickets.id", index=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TicketFollower(SQLModel, table=True):
    """Someone besides the requester who asked for this ticket's outcome: the requester of a duplicate closed into
    it. Followers are told what the requester is told when the ticket is resolved."""

    __tablename__ = "ticket_followers"
    __table_args__ = (Index("ix_ticket_followers_user", "user_id"),)  # what someone follows: lists, App Home

    ticket_id: int = Field(primary_key=True, foreign_key="tickets.id")
    user_id: str = Field(primary_key=True, max_length=32)
    via_ticket_id: int | None = Field(default=None, foreign_key="tickets.id")  # the duplicate that brought them
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ProcessedEvent(SQLModel, table=True):
    """Slack ``event_id``s already handled, inserted in the same transaction as their effects."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A Slack Web API call decided inside a transaction and made after it commits.

    ``status`` moves pending → sending → sent (or failed). ``claimed_until`` is a lease held by ``claimed_by``:
    a sender that dies mid-call leaves the row to be picked up again once its heartbeat stops (or, should it have
    none, once the lease runs out).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id", index=True)
    purpose: str = Field(max_length=32)  # what the result is used for, e.g. "card" stores the card's ts
    method: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    depends_on_id: int | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_until: datetime | None = _utc_column()
    # The sender holding the lease (its ``Heartbeat.process``): once that sender's heartbeat stops, the row is
    # taken over at once instead of when the lease runs out.
    claimed_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = _utc_column()
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    result_channel: str | None = Field(default=None, max_length=32)
    result_ts: str | None = Field(default=None, max_length=32)
    # When an earlier attempt whose outcome was never recorded could last have reached Slack (its sender's last
    # sign of life, or Slack's uncertain answer): the look before posting again reads no later than this, so the
    # conversation's newer messages cannot hide the post. ``None``: not known, the look reads up to now.
    uncertain_until: datetime | None = _utc_column()


class JobRun(SQLModel, table=True):
    """One run of a periodic job for one period (a stand-up on a day, a digest on a date).

    Inserted with ON CONFLICT DO NOTHING before the work starts: whichever replica inserts the row
    does the work, every other replica sees the conflict and does nothing.
    """

    __tablename__ = "job_runs"

    job: str = Field(primary_key=True, max_length=80)
    period: str = Field(primary_key=True, max_length=40)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = _utc_column()


class JobTurn(SQLModel, table=True):
    """Whose turn a job that speaks to people is in the current tick (``turn_start``: the tick's start on a grid of
    ``CROSSDESK_TICK_SECONDS``): whichever replica moves it forward runs the job this tick, the others skip it. So a
    person gets one reminder DM per tick, listing everything, however many replicas tick."""

    __tablename__ = "job_turns"

    job: str = Field(primary_key=True, max_length=80)
    turn_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    taken_by: str = Field(max_length=80)
    taken_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Heartbeat(SQLModel, table=True):
    """A process's part (its outbox sender, its ticker) saying it is alive, every few seconds.

    Rows leased to a sender whose heartbeat is older than ``CROSSDESK_DEAD_SENDER_SECONDS`` (or that stopped) are
    taken over by another sender at once; ``/metrics`` counts the live ones. ``process`` is new at every start.
    """

    __tablename__ = "heartbeats"

    process: str = Field(primary_key=True, max_length=80)
    part: str = Field(primary_key=True, max_length=16)  # "sender" | "ticker"
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    beat_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    stopped_at: datetime | None = _utc_column()


class ReminderMessage(SQLModel, table=True):
    """The reminder DM each person last received, so the next one replaces it instead of piling up."""

    __tablename__ = "reminder_messages"

    user_id: str = Field(primary_key=True, max_length=32)
    channel: str = Field(max_length=32)
    ts: str = Field(max_length=32)
    sent_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class StandupEntry(SQLModel, table=True):
    """One member's stand-up on one day: asked, nudged, answered or skipped."""

    __tablename__ = "standup_entries"
    __table_args__ = (UniqueConstraint("department_key", "user_id", "day", name="uq_standup_entry"),)

    id: int | None = Field(default=None, primary_key=True)
    department_key: str = Field(max_length=10, index=True)
    user_id: str = Field(max_length=32)
    day: str = Field(max_length=10, index=True)  # YYYY-MM-DD in the member's time zone
    asked_at: datetime | None = _utc_column()
    nudged_at: datetime | None = _utc_column()
    answered_at: datetime | None = _utc_column()
    skipped: bool = Field(default=False)
    answers: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    prompt_channel: str | None = Field(default=None, max_length=32)
    prompt_ts: str | None = Field(default=None, max_length=32)


class WorkspaceConfigRecord(SQLModel, table=True):
    """A workspace configuration a bot put into use (at start or on a reload): what ``export-config`` writes
    back, and the record of who changed the running configuration when."""

    __tablename__ = "workspace_configs"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64)  # SHA-256 of ``text``: replicas applying the same file record it once
    source: str = Field(max_length=16)  # "file" (start, SIGHUP, a changed file) or "database" (an edit in Slack)
    actor_id: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))  # the configuration as workspace-file YAML
    applied_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
