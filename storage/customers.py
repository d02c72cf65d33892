"""Customers: the one way each is written — made (one at a time, or a batch of an import), renamed, its aliases,
stage, account manager, external id or risk changed, every change recorded in ``customer_events`` with who and
when — and the queries that find them: by name or alias (folded, so case and width do not count), by prefix for the
type-ahead, by account manager, page by page. Every name a customer is found by is a row of ``customer_names``,
written here with the customer, so a name is one customer's however it reached the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Executable, delete, func, insert
from sqlalchemy import select as select_rows
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.customers import CustomerSeed, fold_name, keys_of
from storage.models import Customer, CustomerEvent, CustomerName, table_of

_CUSTOMERS, _NAMES, _EVENTS = table_of(Customer), table_of(CustomerName), table_of(CustomerEvent)
_CHUNK = 5000  # values in one IN (…): both databases bound a statement's parameters (SQLite at 32,766)
SEED_ACTOR = "workspace-file"  # the actor of what the workspace file's ``customers:`` made or changed
IMPORT_ACTOR = "import"  # the actor of ``crossdesk import-customers``
# What each field's change is recorded as; the seeding below reads them back to tell the file's values from edits.
FIELD_ACTIONS = {
    "name": "renamed",
    "aliases": "aliases_changed",
    "stage": "stage_changed",
    "manager_id": "manager_changed",
    "external_id": "external_id_changed",
}


class NewCustomer(NamedTuple):
    """A customer to make, as checked by the caller (``config.customers`` says what a good name is)."""

    name: str
    aliases: tuple[str, ...] = ()
    stage: str | None = None
    manager_id: str | None = None
    external_id: str | None = None


class NameTaken(Exception):
    """A name or alias that already belongs to another customer (``owner``)."""

    def __init__(self, name: str, owner: str) -> None:
        super().__init__(f"{name!r} is already a name of {owner}")
        self.name, self.owner = name, owner


class ExternalIdTaken(Exception):
    def __init__(self, external_id: str, owner: str) -> None:
        super().__init__(f"external id {external_id!r} is already {owner}'s")
        self.external_id, self.owner = external_id, owner


# ---------------------------------------------------------------------------------------------------------- reads


async def find(session: AsyncSession, name: str) -> Customer | None:
    """The customer whose name or alias ``name`` is, however it is cased or spaced."""
    key = fold_name(name)
    if not key:
        return None
    statement = select(Customer).join(CustomerName, col(CustomerName.customer_id) == col(Customer.id))
    return (await session.exec(statement.where(col(CustomerName.key) == key))).first()


async def by_id(session: AsyncSession, customer_id: int, *, for_update: bool = False) -> Customer | None:
    statement = select(Customer).where(col(Customer.id) == customer_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Customer]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = (await session.exec(select(Customer).where(col(Customer.id).in_(wanted)))).all()
    return {customer.id: customer for customer in found if customer.id is not None}


async def by_external_id(session: AsyncSession, external_id: str) -> Customer | None:
    return (await session.exec(select(Customer).where(col(Customer.external_id) == external_id))).first()


async def owners_of(session: AsyncSession, keys: Iterable[str]) -> dict[str, int]:
    """Which of the folded ``keys`` are taken, and by which customer."""
    wanted = sorted(set(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = select_rows(_NAMES.c.key, _NAMES.c.customer_id).where(_NAMES.c.key.in_(chunk))
        found.update({str(row[0]): int(row[1]) for row in (await _run(session, statement)).all()})
    return found


async def external_owners(session: AsyncSession, external_ids: Iterable[str]) -> dict[str, int]:
    """Which of ``external_ids`` are known, and whose."""
    wanted = sorted(set(external_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = select_rows(_CUSTOMERS.c.external_id, _CUSTOMERS.c.id).where(_CUSTOMERS.c.external_id.in_(chunk))
        found.update({str(row[0]): int(row[1]) for row in (await _run(session, statement)).all()})
    return found


async def search(session: AsyncSession, typed: str, limit: int = 20) -> list[Customer]:
    """Customers one of whose names starts with ``typed`` (folded), by name: the type-ahead's choices. Empty
    ``typed`` gives the first ``limit`` by name."""
    prefix = fold_name(typed)
    statement = select_rows(_NAMES.c.customer_id)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(_NAMES.c.key.like(f"{escaped}%", escape="\\"))
    ids = statement.order_by(_NAMES.c.key).limit(limit * 3).scalar_subquery()
    found = select(Customer).where(col(Customer.id).in_(ids)).order_by(col(Customer.name), col(Customer.id))
    return list((await session.exec(found.limit(limit))).all())


async def manager_of(session: AsyncSession, customer_id: int | None) -> str | None:
    """The account manager of the customer ``customer_id`` (``None`` for no customer, or none set)."""
    if customer_id is None:
        return None
    statement = select_rows(_CUSTOMERS.c.manager_id).where(_CUSTOMERS.c.id == customer_id)
    row = (await _run(session, statement)).first()
    return str(row[0]) if row is not None and row[0] is not None else None


async def managers_of(session: AsyncSession, customer_ids: Iterable[int]) -> dict[int, str]:
    """Each customer's account manager (customers without one are left out)."""
    wanted = sorted(set(customer_ids))
    if not wanted:
        return {}
    statement = select_rows(_CUSTOMERS.c.id, _CUSTOMERS.c.manager_id).where(
        _CUSTOMERS.c.id.in_(wanted), _CUSTOMERS.c.manager_id.is_not(None)
    )
    return {int(row[0]): str(row[1]) for row in (await _run(session, statement)).all()}


class Summary(NamedTuple):
    """What every process keeps of each customer in memory (``bot.customers.directory``)."""

    id: int
    name: str
    stage: str | None
    manager_id: str | None
    at_risk: bool


async def summaries(session: AsyncSession, after_id: int = 0, limit: int = 5000) -> list[Summary]:
    """:class:`Summary` of the customers after ``after_id``, by id, ``limit`` at a time."""
    columns = (_CUSTOMERS.c.id, _CUSTOMERS.c.name, _CUSTOMERS.c.stage, _CUSTOMERS.c.manager_id)
    statement = select_rows(*columns, _CUSTOMERS.c.at_risk_since.is_not(None)).where(_CUSTOMERS.c.id > after_id)
    rows = (await _run(session, statement.order_by(_CUSTOMERS.c.id).limit(limit))).all()
    return [Summary(int(r[0]), str(r[1]), r[2], r[3], bool(r[4])) for r in rows]


async def summaries_of(session: AsyncSession, ids: Iterable[int]) -> list[Summary]:
    """:class:`Summary` of the customers ``ids`` (unknown ids are left out)."""
    wanted = sorted(set(ids))
    columns = (_CUSTOMERS.c.id, _CUSTOMERS.c.name, _CUSTOMERS.c.stage, _CUSTOMERS.c.manager_id)
    statement = select_rows(*columns, _CUSTOMERS.c.at_risk_since.is_not(None)).where(_CUSTOMERS.c.id.in_(wanted))
    rows = (await _run(session, statement)).all() if wanted else []
    return [Summary(int(r[0]), str(r[1]), r[2], r[3], bool(r[4])) for r in rows]


async def names_of(session: AsyncSession, customer_id: int) -> list[str]:
    """The folded names the customer is found by, its own first."""
    statement = select_rows(_NAMES.c.key).where(_NAMES.c.customer_id == customer_id)
    rows = (await _run(session, statement.order_by(_NAMES.c.alias, _NAMES.c.key))).all()
    return [str(row[0]) for row in rows]


async def managed_by(session: AsyncSession, user_id: str) -> list[Customer]:
    statement = select(Customer).where(col(Customer.manager_id) == user_id).order_by(col(Customer.name))
    return list((await session.exec(statement)).all())


async def page(session: AsyncSession, after_id: int = 0, limit: int = 1000) -> list[Customer]:
    """Customers by id after ``after_id``: how the export and the matcher read all of them without holding every
    row at once."""
    statement = select(Customer).where(col(Customer.id) > after_id).order_by(col(Customer.id)).limit(limit)
    return list((await session.exec(statement)).all())


async def name_keys(session: AsyncSession, after_key: str = "", limit: int = 5000) -> list[tuple[str, int]]:
    """(folded name, customer id) after ``after_key``, in key order: the matcher's index, page by page."""
    statement = select_rows(_NAMES.c.key, _NAMES.c.customer_id).where(_NAMES.c.key > after_key)
    rows = (await _run(session, statement.order_by(_NAMES.c.key).limit(limit))).all()
    return [(str(row[0]), int(row[1])) for row in rows]


class Version(NamedTuple):
    """What changes whenever any customer does: compared with the last one read to know the matcher is stale."""

    customers: int
    last_id: int
    last_change: datetime | None


async def version(session: AsyncSession) -> Version:
    statement = select_rows(func.count(), func.max(_CUSTOMERS.c.id), func.max(_CUSTOMERS.c.updated_at))
    row = (await _run(session, statement)).one()
    return Version(int(row[0]), int(row[1] or 0), row[2])


async def events_of(session: AsyncSession, customer_id: int) -> list[CustomerEvent]:
    statement = select(CustomerEvent).where(col(CustomerEvent.customer_id) == customer_id)
    return list((await session.exec(statement.order_by(col(CustomerEvent.id)))).all())


# --------------------------------------------------------------------------------------------------------- writes


async def record(
    session: AsyncSession,
    customer_id: int,
    actor_id: str,
    action: str,
    at: datetime,
    from_value: str | None = None,
    to_value: str | None = None,
) -> None:
    """One customer event: who did what to which customer, and when."""
    row = {"customer_id": customer_id, "actor_id": actor_id, "action": action, "at": at}
    row.update(from_value=_clip(from_value), to_value=_clip(to_value))
    await _run(session, insert(_EVENTS), [row])


async def create(session: AsyncSession, new: NewCustomer, actor_id: str, now: datetime) -> Customer:
    """Make one customer with its names, recorded as created by ``actor_id``; ``NameTaken`` or ``ExternalIdTaken``
    when a name, an alias or the external id is another customer's already (nothing is written then)."""
    keys = keys_of(new.name, new.aliases)
    await _require_free(session, keys, None)
    if new.external_id is not None:
        owner = await by_external_id(session, new.external_id)
        if owner is not None:
            raise ExternalIdTaken(new.external_id, owner.name)
    [customer_id] = await _insert(session, [new], now)
    await _add_names(session, customer_id, keys)
    await record(session, customer_id, actor_id, "created", now, to_value=new.name)
    customer = await by_id(session, customer_id)
    assert customer is not None
    return customer


async def add_many(session: AsyncSession, news: Sequence[NewCustomer], actor_id: str, now: datetime) -> int:
    """Make a batch of customers (an import's) in a few statements; the caller checked that every name, alias and
    external id is free and each one's own. Returns how many were made."""
    if not news:
        return 0
    ids = await _insert(session, news, now)
    names = [
        {"key": key, "customer_id": customer_id, "alias": position > 0}
        for customer_id, new in zip(ids, news, strict=True)
        for position, key in enumerate(keys_of(new.name, new.aliases))
    ]
    await _run(session, insert(_NAMES), names)
    events = [
        {"customer_id": i, "actor_id": actor_id, "action": "created", "at": now, "from_value": None, "to_value": n.name}
        for i, n in zip(ids, news, strict=True)
    ]
    await _run(session, insert(_EVENTS), events)
    return len(ids)


async def change(
    session: AsyncSession, customer: Customer, field: str, value: Any, actor_id: str, now: datetime
) -> bool:
    """Set one of the customer's fields (a key of :data:`FIELD_ACTIONS`) and record the change; ``False`` when it
    already had that value (nothing recorded). A new name or new aliases must be free (``NameTaken``)."""
    assert customer.id is not None and customer in session, "load the customer in this session first"
    before = getattr(customer, field)
    if field == "aliases":
        value = list(value)
    if before == value:
        return False
    if field in ("name", "aliases"):
        name, aliases = (value, customer.aliases) if field == "name" else (customer.name, value)
        keys = keys_of(name, aliases)
        await _require_free(session, keys, customer.id)
        await _run(session, delete(_NAMES).where(_NAMES.c.customer_id == customer.id))
        await _add_names(session, customer.id, keys)
        if field == "name":
            customer.name_key = fold_name(value)
    if field == "external_id" and value is not None:
        owner = await by_external_id(session, value)
        if owner is not None and owner.id != customer.id:
            raise ExternalIdTaken(value, owner.name)
    setattr(customer, field, value)
    customer.updated_at = now
    session.add(customer)
    shown = (lambda v: ", ".join(v) if v else None) if field == "aliases" else (lambda v: v)
    await record(session, customer.id, actor_id, FIELD_ACTIONS[field], now, shown(before), shown(value))
    return True


async def set_at_risk(session: AsyncSession, customer: Customer, at_risk: bool, actor_id: str, now: datetime) -> None:
    """Flag the customer at risk (from ``now``) or clear the flag, recorded."""
    assert customer.id is not None and customer in session
    customer.at_risk_since = now if at_risk else None
    customer.updated_at = now
    session.add(customer)
    await record(session, customer.id, actor_id, "at_risk" if at_risk else "risk_cleared", now)


async def seed(session: AsyncSession, seeds: Sequence[CustomerSeed], now: datetime) -> int:
    """Make the workspace file's customers that the database lacks; returns how many were made or changed.

    Run at every start, so it must be idempotent and must not undo what people did: a customer the file made
    follows the file's later values only in the fields nobody has changed since (from Slack or an import), and a
    customer made elsewhere is left as it is. An alias another customer holds is left out (and logged by the
    caller through the count it sees unchanged)."""
    touched = 0
    for entry in seeds:
        existing = await find(session, entry.name)
        if existing is None and entry.external_id:
            existing = await by_external_id(session, entry.external_id)
        if existing is None:
            owners = await owners_of(session, keys_of(entry.name, entry.aliases))
            if fold_name(entry.name) in owners:
                continue
            aliases = tuple(a for a in entry.aliases if fold_name(a) not in owners)
            new = NewCustomer(entry.name, aliases, entry.stage, entry.manager, entry.external_id)
            await create(session, new, SEED_ACTOR, now)
            touched += 1
            continue
        touched += await _follow_file(session, existing, entry, now)
    return touched


async def _follow_file(session: AsyncSession, customer: Customer, entry: CustomerSeed, now: datetime) -> int:
    assert customer.id is not None
    history = await events_of(session, customer.id)
    if not history or history[0].actor_id != SEED_ACTOR:
        return 0  # made in Slack or by an import: theirs
    edited = {event.action for event in history if event.actor_id != SEED_ACTOR}
    wanted: dict[str, Any] = {"stage": entry.stage, "manager_id": entry.manager, "aliases": list(entry.aliases)}
    if entry.external_id is not None:
        wanted["external_id"] = entry.external_id
    changed = 0
    for field, value in wanted.items():
        if FIELD_ACTIONS[field] in edited:
            continue
        try:
            changed += await change(session, customer, field, value, SEED_ACTOR, now)
        except (NameTaken, ExternalIdTaken):
            continue  # another customer holds it now; the file cannot take it away
    return 1 if changed else 0


async def _require_free(session: AsyncSession, keys: Sequence[str], customer_id: int | None) -> None:
    owners = await owners_of(session, keys)
    for key in keys:
        owner_id = owners.get(key)
        if owner_id is not None and owner_id != customer_id:
            owner = await by_id(session, owner_id)
            raise NameTaken(key, owner.name if owner is not None else str(owner_id))


async def _insert(session: AsyncSession, news: Sequence[NewCustomer], now: datetime) -> list[int]:
    rows = [
        {
            "name": new.name,
            "name_key": fold_name(new.name),
            "aliases": list(new.aliases),
            "stage": new.stage,
            "manager_id": new.manager_id,
            "external_id": new.external_id,
            "at_risk_since": None,
            "created_at": now,
            "updated_at": now,
        }
        for new in news
    ]
    statement = insert(_CUSTOMERS).returning(_CUSTOMERS.c.id, sort_by_parameter_order=True)
    return [int(customer_id) for (customer_id,) in (await _run(session, statement, rows)).all()]


async def _add_names(session: AsyncSession, customer_id: int, keys: Sequence[str]) -> None:
    rows = [{"key": key, "customer_id": customer_id, "alias": position > 0} for position, key in enumerate(keys)]
    await _run(session, insert(_NAMES), rows)


async def _run(session: AsyncSession, statement: Executable, rows: list[dict[str, Any]] | None = None) -> Any:
    """A Core statement in the session's transaction (the ORM's ``execute`` is for its own objects); its result's
    rows are read by position."""
    return await (await session.connection()).execute(statement, rows)


def _clip(value: str | None) -> str | None:
    return value if value is None or len(value) <= 200 else value[:199] + "…"
