"""Who sends which outbox row: a sender claims what is due under a lease (and takes over the rows of a sender whose
lease ran out or whose heartbeat stopped, with how late that sender's calls could still land), checks before
recording an outcome that it still holds the row, and renews the leases of calls that take long.

Apart from :mod:`storage.outbox` (queuing and recording outcomes) because this is the part replicas contend on:
every rule about two senders and one row is here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, exists, or_, update
from sqlalchemy import select as select_rows
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import heartbeats
from storage._prepared import Prepared, Statements
from storage.models import Heartbeat, OutboxMessage, table_of
from storage.outbox import (
    FAILED,
    LEASE_RAN_OUT,
    PENDING,
    SENDER_STOPPED,
    SENDING,
    SENT,
    OutboxRow,
)

_OUTBOX = table_of(OutboxMessage)
_ROW_COLUMNS = tuple(OutboxRow.__dataclass_fields__)


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
