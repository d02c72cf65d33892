"""The outbox: Slack calls stored with the change that caused them, then claimed and sent after commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, exists, func, or_, update
from sqlalchemy import select as select_rows
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import heartbeats
from storage._prepared import Prepared, Statements, prepared_insert
from storage.models import Heartbeat, OutboxMessage, table_of

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# ``last_error`` of a row taken over from a sender whose lease ran out: that sender may have died after Slack
# accepted the call and before the outcome was recorded, so the new sender looks before it sends again.
LEASE_RAN_OUT = "lease ran out before the outcome was recorded"
# ``last_error`` of a row taken over from a sender whose heartbeat stopped (it died, or was stopped) while the row
# was leased to it: as uncertain as a lease that ran out.
SENDER_STOPPED = "its sender stopped before the outcome was recorded"


@dataclass(slots=True)
class OutboxRow:
    """A row as its sender sees it: read once when claimed (or handed over as written) and never saved back
    through the ORM; outcomes are written with :func:`record`. Plain, because building an ORM object per row
    cost more than sending it."""

    id: int
    ticket_id: int | None
    purpose: str
    method: str
    payload: dict[str, Any]
    status: str
    attempts: int
    depends_on_id: int | None
    created_at: datetime
    claimed_until: datetime | None
    claimed_by: str | None
    last_error: str | None
    # The latest moment an unrecorded earlier attempt could have reached Slack (``OutboxMessage.uncertain_until``).
    uncertain_until: datetime | None = None


_ROW_COLUMNS = tuple(OutboxRow.__dataclass_fields__)


@dataclass(eq=False)
class Call:
    """A call to queue with :func:`enqueue_calls`. ``after`` must be sent (or have failed for good) before this one
    is: another call of the same batch, or the id of a row queued before."""

    method: str
    payload: dict[str, Any]
    purpose: str
    ticket_id: int | None = None
    after: Call | int | None = None


_OUTBOX = table_of(OutboxMessage)
_INSERT = prepared_insert(_OUTBOX)


async def enqueue_calls(
    session: AsyncSession,
    calls: Sequence[Call],
    now: datetime,
    leased_until: datetime | None = None,
    leased_to: str | None = None,
) -> list[OutboxRow]:
    """Add ``calls`` to the caller's transaction (they are sent only if it commits): one ``INSERT`` per generation
    of dependency, not one per call. The one way outbox rows are written.

    A call's ``after`` that is a call must come earlier in ``calls``. With ``leased_until`` the rows are written
    already claimed (as :func:`claim_due` would leave them) by the sender ``leased_to`` in this process, which gets
    them handed over after the commit instead of claiming them; should it die first, another sender takes them over
    once its heartbeat stops (or the lease runs out), exactly as for a claimed row. Returns the rows as written, in
    the order of ``calls``' batches.
    """
    written: list[OutboxRow] = []
    ids: dict[int, int] = {}  # id(call) -> its row id
    remaining = list(calls)
    statements = await Statements.of(session)
    holder = leased_to if leased_until is not None else None

    def waits_for(call: Call) -> int | None:
        return ids[id(call.after)] if isinstance(call.after, Call) else call.after

    while remaining:
        ready = [call for call in remaining if not isinstance(call.after, Call) or id(call.after) in ids]
        if not ready:
            raise ValueError("an outbox call waits for a call that is not queued before it")
        rows = [
            {
                "ticket_id": call.ticket_id,
                "purpose": call.purpose,
                "method": call.method,
                "payload": call.payload,
                "status": PENDING if leased_until is None else SENDING,
                "attempts": 0 if leased_until is None else 1,
                "depends_on_id": waits_for(call),
                "created_at": now,
                "next_attempt_at": now,
                "claimed_until": leased_until,
                "claimed_by": holder,
                "sent_at": None,
                "last_error": None,
                "result_channel": None,
                "result_ts": None,
                "uncertain_until": None,
            }
            for call in ready
        ]
        for call, row_id in zip(ready, await statements.insert(_INSERT, rows), strict=True):
            ids[id(call)] = row_id
            written.append(
                OutboxRow(
                    id=row_id,
                    ticket_id=call.ticket_id,
                    purpose=call.purpose,
                    method=call.method,
                    payload=call.payload,
                    status=PENDING if leased_until is None else SENDING,
                    attempts=0 if leased_until is None else 1,
                    depends_on_id=waits_for(call),
                    created_at=now,
                    claimed_until=leased_until,
                    claimed_by=holder,
                    last_error=None,
                )
            )
        taken = {id(call) for call in ready}
        remaining = [call for call in remaining if id(call) not in taken]
    return written


async def claim_due(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    limit: int,
    *,
    sender: str | None = None,
    dead_before: datetime | None = None,
    straggle: timedelta = timedelta(0),
) -> list[OutboxRow]:
    """Take up to ``limit`` rows that are due, in order, and lease them to ``sender``.

    A row is due when it is pending (or its sender's lease ran out, or — with ``dead_before`` — its sender's
    heartbeat stopped or is older than that) and whatever it depends on has been sent or has failed for good. The
    rows that wait only for a row claimed here are claimed with it (the DM that links to a card goes in the same
    pass as the card; the sender sends them in order and releases the dependent again if the card does not go out).
    ``FOR UPDATE SKIP LOCKED`` lets replicas on PostgreSQL claim disjoint rows; SQLite's single writer (``BEGIN
    IMMEDIATE``) gives the same guarantee there. A row taken from another sender is marked ``LEASE_RAN_OUT`` or
    ``SENDER_STOPPED``: its outcome is unknown, so it is looked for in Slack before it is posted again. For a row
    whose sender stopped, ``uncertain_until`` records how late that sender's call could have reached Slack: when it
    stopped on purpose (it stops beating only after its calls are answered), else its last beat plus ``straggle``
    (how long a sender that missed beats may still be calling). A lease that ran out belongs to a sender that may
    still be calling, so no bound is known (``None``). A sender
    never takes over its own rows. The locks are ``FOR NO KEY UPDATE`` (``key_share``): a transaction queuing a row
    that waits for one of these holds a key-share lock on it through the foreign key, and must not deadlock with
    the sender.

    The rows come back as they are after the claim: a few set-based statements do the claiming, not one
    flush per row.
    """
    table = table_of(OutboxMessage)
    columns = [table.c[name] for name in _ROW_COLUMNS]
    # Pending, or taken over from a sender whose lease ran out or whose heartbeat stopped.
    taken_from = [col(OutboxMessage.claimed_until) < now]
    if dead_before is not None:
        dead = heartbeats.dead(heartbeats.SENDER, dead_before, other_than=sender)
        taken_from.append(col(OutboxMessage.claimed_by).in_(dead))
    claimable = or_(col(OutboxMessage.status) == PENDING, (col(OutboxMessage.status) == SENDING) & or_(*taken_from))
    dependency = aliased(OutboxMessage)
    dependency_done = exists().where(
        col(dependency.id) == col(OutboxMessage.depends_on_id),
        col(dependency.status).in_([SENT, FAILED]),
    )
    statement = (
        select_rows(*columns)
        .where(
            claimable,
            col(OutboxMessage.next_attempt_at) <= now,
            or_(col(OutboxMessage.depends_on_id).is_(None), dependency_done),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
    )
    connection = await session.connection()
    rows = [OutboxRow(*row) for row in (await connection.execute(statement)).all()]
    waiting_on = {row.id for row in rows}
    while waiting_on and len(rows) < limit:
        followers = (
            select_rows(*columns)
            .where(
                claimable,
                col(OutboxMessage.next_attempt_at) <= now,
                col(OutboxMessage.depends_on_id).in_(sorted(waiting_on)),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit - len(rows))
            .with_for_update(skip_locked=True, key_share=True)
        )
        found = [OutboxRow(*row) for row in (await connection.execute(followers)).all()]
        rows.extend(found)
        waiting_on = {row.id for row in found}
    if not rows:
        return rows
    until = now + lease
    stopped_holders = {
        row.claimed_by
        for row in rows
        if row.status == SENDING and row.claimed_by and not (row.claimed_until is not None and row.claimed_until < now)
    }
    last_alive = await _last_alive(connection, stopped_holders, straggle) if stopped_holders else {}
    for row in rows:
        if row.status == SENDING:
            ran_out = row.claimed_until is not None and row.claimed_until < now
            row.last_error = LEASE_RAN_OUT if ran_out else SENDER_STOPPED
            row.uncertain_until = None if ran_out else last_alive.get(row.claimed_by or "")
    await connection.execute(
        update(table)
        .where(table.c.id.in_([row.id for row in rows]))
        .values(
            last_error=case(
                ((table.c.status == SENDING) & (table.c.claimed_until < now), LEASE_RAN_OUT),
                (table.c.status == SENDING, SENDER_STOPPED),
                else_=table.c.last_error,
            ),
            status=SENDING,
            claimed_until=until,
            claimed_by=sender,
            attempts=table.c.attempts + 1,
        )
    )
    taken_over = [row for row in rows if row.status == SENDING]
    for bound in {row.uncertain_until for row in taken_over}:
        ids = [row.id for row in taken_over if row.uncertain_until == bound]
        await connection.execute(update(table).where(table.c.id.in_(ids)).values(uncertain_until=bound))
    for row in rows:
        row.status = SENDING
        row.claimed_until = until
        row.claimed_by = sender
        row.attempts += 1
    return rows


async def _last_alive(connection: Any, processes: set[str], straggle: timedelta) -> dict[str, datetime]:
    """For each of these senders, the latest moment a call of theirs could have reached Slack: when they stopped,
    or their last beat plus ``straggle``. A sender with no heartbeat left is not in the answer (not known)."""
    beats = table_of(Heartbeat)
    statement = select_rows(beats.c.process, beats.c.beat_at, beats.c.stopped_at).where(
        beats.c.part == heartbeats.SENDER, beats.c.process.in_(sorted(processes))
    )
    return {
        process: stopped_at if stopped_at is not None else beat_at + straggle
        for process, beat_at, stopped_at in (await connection.execute(statement)).all()
    }


_HELD = Prepared(
    select_rows(_OUTBOX.c.id, _OUTBOX.c.status, _OUTBOX.c.claimed_until, _OUTBOX.c.claimed_by)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .with_for_update(key_share=True)
)


async def held(
    session: AsyncSession, leases: Sequence[tuple[int, datetime | None]], holder: str | None = None
) -> set[int]:
    """Which of the (row id, lease) pairs the caller (the sender ``holder``) still holds: a sender whose lease ran
    out or whose heartbeat stopped (and whose row another sender took over) must not overwrite that sender's
    outcome. ``None`` stands for a row sent without a lease. One query; the rows are locked until commit
    (``FOR NO KEY UPDATE``, as in :func:`claim_due`)."""
    if not leases:
        return set()
    ids = sorted({message_id for message_id, _ in leases})
    found = {
        row_id: (status, until, by)
        for row_id, status, until, by in await (await Statements.of(session)).rows(_HELD, {"ids": ids})
    }
    kept: set[int] = set()
    for message_id, lease_until in leases:
        status, until, by = found.get(message_id, (None, None, None))
        if status is None:
            continue
        if lease_until is None or (status == SENDING and until == lease_until and by == holder):
            kept.add(message_id)
    return kept


async def renew(
    session: AsyncSession, ids: Sequence[int], lease_until: datetime, renewed: datetime, holder: str | None = None
) -> set[int]:
    """Extend the lease of the rows the sender ``holder`` still holds (leased until ``lease_until``); returns their
    ids."""
    table = table_of(OutboxMessage)
    statement = (
        update(table)
        .where(
            table.c.id.in_(list(ids)),
            table.c.status == SENDING,
            table.c.claimed_until == lease_until,
            table.c.claimed_by.is_(None) if holder is None else table.c.claimed_by == holder,
        )
        .values(claimed_until=renewed)
        .returning(table.c.id)
    )
    return {row_id for (row_id,) in (await (await session.connection()).execute(statement)).all()}


@dataclass(frozen=True)
class Sent:
    id: int
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class Retry:
    id: int
    at: datetime
    error: str
    release: bool = False  # never attempted (it waited for a row that did not go out): the attempt is given back
    # Set when Slack's answer left it open whether the call worked: by then it had landed, if it did.
    landed_by: datetime | None = None


@dataclass(frozen=True)
class Failed:
    id: int
    error: str


_BY_ROW_ID = _OUTBOX.c.id == bindparam("row_id")
_RECORD_SENT = Prepared(
    update(_OUTBOX)
    .where(_BY_ROW_ID)
    .values(
        status=SENT,
        sent_at=bindparam("now", type_=_OUTBOX.c.sent_at.type),
        claimed_until=None,
        claimed_by=None,
        result_channel=bindparam("channel"),
        result_ts=bindparam("ts"),
        last_error=None,
    )
)
_RECORD_RETRY = Prepared(
    update(_OUTBOX)
    .where(_BY_ROW_ID)
    .values(
        status=PENDING,
        next_attempt_at=bindparam("at", type_=_OUTBOX.c.next_attempt_at.type),
        claimed_until=None,
        claimed_by=None,
        last_error=bindparam("error"),
        attempts=_OUTBOX.c.attempts - bindparam("given_back"),
        uncertain_until=func.coalesce(
            bindparam("landed_by", type_=_OUTBOX.c.uncertain_until.type), _OUTBOX.c.uncertain_until
        ),
    )
)
_RECORD_FAILED = Prepared(
    update(_OUTBOX)
    .where(_BY_ROW_ID)
    .values(status=FAILED, claimed_until=None, claimed_by=None, last_error=bindparam("error"))
)


async def record(
    session: AsyncSession, now: datetime, sent: Sequence[Sent], retry: Sequence[Retry], failed: Sequence[Failed]
) -> None:
    """Write outcomes, one statement per kind; call it only for rows :func:`held` confirmed."""
    statements = await Statements.of(session)
    await statements.run(
        _RECORD_SENT, [{"row_id": item.id, "now": now, "channel": item.channel, "ts": item.ts} for item in sent]
    )
    await statements.run(
        _RECORD_RETRY,
        [
            {
                "row_id": item.id,
                "at": item.at,
                "error": item.error[:2000],
                "given_back": int(item.release),
                "landed_by": item.landed_by,
            }
            for item in retry
        ],
    )
    await statements.run(_RECORD_FAILED, [{"row_id": item.id, "error": item.error[:2000]} for item in failed])


async def first_of(session: AsyncSession, ticket_id: int, purpose: str) -> int | None:
    """The id of the ticket's oldest row of ``purpose`` (its card), if one was queued."""
    return await _end_of(session, ticket_id, purpose, newest=False)


async def last_of(session: AsyncSession, ticket_id: int, purpose: str) -> int | None:
    """The id of the ticket's newest row of ``purpose`` (the last line in its thread), if one was queued."""
    return await _end_of(session, ticket_id, purpose, newest=True)


async def _end_of(session: AsyncSession, ticket_id: int, purpose: str, *, newest: bool) -> int | None:
    order = _OUTBOX.c.id.desc() if newest else _OUTBOX.c.id
    statement = (
        select_rows(_OUTBOX.c.id)
        .where(_OUTBOX.c.ticket_id == ticket_id, _OUTBOX.c.purpose == purpose)
        .order_by(order)
        .limit(1)
    )
    found = (await (await session.connection()).execute(statement)).scalar()
    return int(found) if found is not None else None


async def places(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Where Slack put each of these rows that was sent: row id → (channel, ts), as recorded with its outcome."""
    if not ids:
        return {}
    table = table_of(OutboxMessage)
    statement = select_rows(table.c.id, table.c.result_channel, table.c.result_ts).where(
        table.c.id.in_(sorted(set(ids))), table.c.status == SENT
    )
    found = (await (await session.connection()).execute(statement)).all()
    return {row_id: (channel, ts) for row_id, channel, ts in found if channel and ts}


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """(unsent rows, creation time of the oldest) — for metrics and health."""
    statement = select(func.count(), func.min(OutboxMessage.created_at)).where(
        col(OutboxMessage.status).in_([PENDING, SENDING])
    )
    count, oldest = (await session.exec(statement)).one()
    return int(count), oldest
