"""The outbox: Slack calls stored with the change that caused them, sent after the commit, and what each came to
(:func:`record`). Which sender sends which row, under what lease, is :mod:`storage.outbox_leases`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._prepared import Prepared, Statements, prepared_insert
from storage.models import OutboxMessage, table_of

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
