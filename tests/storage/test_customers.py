"""The customers repository on both databases: names and aliases found however they are typed (case, width,
Chinese), each name one customer's, every change recorded with who and when, the type-ahead's prefix search, and
the workspace file's seeds made once without undoing what people changed since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config.customers import CustomerSeed
from storage import customers as customer_rows
from storage.customers import SEED_ACTOR, ExternalIdTaken, NameTaken, NewCustomer
from storage.database import Database

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
ACME = NewCustomer("ACME Corp", ("acme", "艾克米"), "retention", "U0ERIN", "CRM-1")


async def test_a_customer_is_found_by_its_name_or_any_alias_however_typed(db: Database) -> None:
    async with db.transaction() as session:
        made = await customer_rows.create(session, ACME, "U0ADMIN", NOW)
    async with db.transaction() as session:
        for typed in ("ACME Corp", "acme  corp", "ＡＣＭＥ Corp", "Acme", "艾克米", " ACME "):
            found = await customer_rows.find(session, typed)
            assert found is not None and found.id == made.id, typed
        assert await customer_rows.find(session, "acme inc") is None
        assert await customer_rows.find(session, "") is None
        assert (await customer_rows.by_external_id(session, "CRM-1")) is not None
        [event] = await customer_rows.events_of(session, made.id or 0)
    assert (event.action, event.actor_id, event.at, event.to_value) == ("created", "U0ADMIN", NOW, "ACME Corp")
    assert made.aliases == ["acme", "艾克米"] and made.stage == "retention" and made.manager_id == "U0ERIN"


async def test_a_name_belongs_to_one_customer(db: Database) -> None:
    async with db.transaction() as session:
        await customer_rows.create(session, ACME, "U0ADMIN", NOW)
    for taken in (NewCustomer("Acme"), NewCustomer("Globex", ("艾克米",)), NewCustomer("ACME CORP")):
        with pytest.raises(NameTaken) as refused:
            async with db.transaction() as session:
                await customer_rows.create(session, taken, "U0ADMIN", NOW)
        assert refused.value.owner == "ACME Corp"
    with pytest.raises(ExternalIdTaken):
        async with db.transaction() as session:
            await customer_rows.create(session, NewCustomer("Globex", external_id="CRM-1"), "U0ADMIN", NOW)
    async with db.transaction() as session:
        assert (await customer_rows.version(session)).customers == 1  # nothing of the refused ones was written


async def test_each_change_is_recorded_with_who_and_when(db: Database) -> None:
    later = NOW + timedelta(hours=1)
    async with db.transaction() as session:
        made = await customer_rows.create(session, ACME, "U0ADMIN", NOW)
        other = await customer_rows.create(session, NewCustomer("Globex"), "U0ADMIN", NOW)
    async with db.transaction() as session:
        customer = await customer_rows.by_id(session, made.id or 0, for_update=True)
        assert customer is not None
        assert await customer_rows.change(session, customer, "stage", "growth", "U0BOB", later)
        assert not await customer_rows.change(session, customer, "stage", "growth", "U0BOB", later)  # no change
        assert await customer_rows.change(session, customer, "name", "ACME Group", "U0BOB", later)
        assert await customer_rows.change(session, customer, "aliases", ["acme", "阿克米"], "U0BOB", later)
        await customer_rows.set_at_risk(session, customer, True, "crossdesk", later)
    with pytest.raises(NameTaken):
        async with db.transaction() as session:
            globex = await customer_rows.by_id(session, other.id or 0)
            assert globex is not None
            await customer_rows.change(session, globex, "aliases", ["acme group"], "U0BOB", later)
    async with db.transaction() as session:
        assert (await customer_rows.find(session, "acme group")).id == made.id  # type: ignore[union-attr]
        assert (await customer_rows.find(session, "阿克米")).id == made.id  # type: ignore[union-attr]
        assert await customer_rows.find(session, "艾克米") is None  # the alias that was removed
        assert await customer_rows.find(session, "acme corp") is None
        events = await customer_rows.events_of(session, made.id or 0)
        customer = await customer_rows.by_id(session, made.id or 0)
    assert [(e.action, e.actor_id, e.from_value, e.to_value) for e in events[1:]] == [
        ("stage_changed", "U0BOB", "retention", "growth"),
        ("renamed", "U0BOB", "ACME Corp", "ACME Group"),
        ("aliases_changed", "U0BOB", "acme, 艾克米", "acme, 阿克米"),
        ("at_risk", "crossdesk", None, None),
    ]
    assert all(event.at == later for event in events[1:])
    assert customer is not None and customer.at_risk_since == later and customer.updated_at == later


async def test_the_type_ahead_finds_customers_by_the_start_of_any_name(db: Database) -> None:
    async with db.transaction() as session:
        await customer_rows.create(session, ACME, "U0ADMIN", NOW)
        await customer_rows.create(session, NewCustomer("Acorn Ltd"), "U0ADMIN", NOW)
        await customer_rows.create(session, NewCustomer("Globex", ("大地公司",)), "U0ADMIN", NOW)
        await customer_rows.create(session, NewCustomer("50% Off_Shop"), "U0ADMIN", NOW)
    async with db.transaction() as session:
        assert [c.name for c in await customer_rows.search(session, "AC")] == ["ACME Corp", "Acorn Ltd"]
        assert [c.name for c in await customer_rows.search(session, "acm")] == ["ACME Corp"]
        assert [c.name for c in await customer_rows.search(session, "艾")] == ["ACME Corp"]
        assert [c.name for c in await customer_rows.search(session, "大地")] == ["Globex"]
        assert [c.name for c in await customer_rows.search(session, "50%")] == ["50% Off_Shop"]
        assert [c.name for c in await customer_rows.search(session, "5_")] == []  # _ and % are letters here
        assert len(await customer_rows.search(session, "", limit=3)) == 3
        assert [c.name for c in await customer_rows.search(session, "zzz")] == []


async def test_the_files_customers_are_made_once_and_edits_in_slack_are_kept(db: Database) -> None:
    seeds = [
        CustomerSeed(name="ACME Corp", aliases=["acme", "艾克米"], stage="retention", manager="U0ERIN"),
        CustomerSeed(name="Globex", stage="acquisition"),
    ]
    async with db.transaction() as session:
        assert await customer_rows.seed(session, seeds, NOW) == 2
    async with db.transaction() as session:
        assert await customer_rows.seed(session, seeds, NOW) == 0  # idempotent: every start runs it
        acme = await customer_rows.find(session, "acme")
        assert acme is not None
        await customer_rows.change(session, acme, "stage", "growth", "U0BOB", NOW)  # edited in Slack
    changed = [
        CustomerSeed(name="ACME Corp", aliases=["acme"], stage="win-back", manager="U0ALICE"),
        CustomerSeed(name="Globex", stage="conversion"),
    ]
    later = NOW + timedelta(days=1)
    async with db.transaction() as session:
        assert await customer_rows.seed(session, changed, later) == 2
    async with db.transaction() as session:
        acme = await customer_rows.find(session, "acme corp")
        globex = await customer_rows.find(session, "globex")
        assert acme is not None and globex is not None
        events = await customer_rows.events_of(session, acme.id or 0)
    assert acme.stage == "growth"  # Slack's edit is kept; the file's other values are followed
    assert (acme.manager_id, acme.aliases, globex.stage) == ("U0ALICE", ["acme"], "conversion")
    assert {(e.action, e.actor_id) for e in events} >= {("created", SEED_ACTOR), ("manager_changed", SEED_ACTOR)}


async def test_a_customer_made_elsewhere_is_not_the_files_to_change(db: Database) -> None:
    async with db.transaction() as session:
        await customer_rows.create(session, NewCustomer("ACME Corp", stage="growth"), "import", NOW)
        await customer_rows.create(session, NewCustomer("Initech", ("acme",)), "import", NOW)
    seeds = [CustomerSeed(name="ACME Corp", stage="retention"), CustomerSeed(name="Hooli", aliases=["acme", "hoo"])]
    async with db.transaction() as session:
        assert await customer_rows.seed(session, seeds, NOW) == 1  # Hooli, without the alias Initech holds
        acme, hooli = await customer_rows.find(session, "acme corp"), await customer_rows.find(session, "hoo")
    assert acme is not None and acme.stage == "growth"
    assert hooli is not None and hooli.aliases == ["hoo"]


async def test_pages_and_name_keys_read_everyone_in_order(db: Database) -> None:
    async with db.transaction() as session:
        made = await customer_rows.add_many(
            session, [NewCustomer(f"Customer {n:03}", (f"c{n:03}",)) for n in range(25)], "import", NOW
        )
    assert made == 25
    async with db.transaction() as session:
        first = await customer_rows.page(session, 0, 10)
        rest = await customer_rows.page(session, first[-1].id or 0, 100)
        keys = await customer_rows.name_keys(session, "", 30)
        more = await customer_rows.name_keys(session, keys[-1][0], 30)
        version = await customer_rows.version(session)
        events = await customer_rows.events_of(session, first[0].id or 0)
    assert [c.name for c in first + rest] == [f"Customer {n:03}" for n in range(25)]
    assert len(keys) + len(more) == 50 and keys[0] == ("c000", first[0].id)
    assert version.customers == 25 and version.last_change == NOW
    assert [(e.action, e.actor_id) for e in events] == [("created", "import")]
