"""Customers at risk: one with ``customers_at_risk.complaints`` complaints within ``days`` is flagged (on its
ticket cards and its own card) and its account manager told once, with the win-back step the workspace file
suggests. The flag is lifted when the complaints fall out of the window, so a later run of complaints tells the
manager again.

A ticker job: every tick counts the complaints of the customers a complaint was linked to since the last look, and of
the flagged ones; flags and lifts with the customer's row locked (a replica that comes second sees it done), and
queues the DM and the card updates in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.directory import CustomerDirectory
from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.surfaces.text import name_text
from bot.tickets.notices import SYSTEM_ACTOR, TicketMessenger
from bot.tickets.states import ACTIVE_STATUSES
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import customer_work
from storage import customers as customer_rows
from storage.customers import Summary
from storage.database import Database

log = logging.getLogger(__name__)
OVERLAP = timedelta(minutes=5)
CARDS_UPDATED = 50  # open tickets whose cards are redrawn with the flag (the oldest); the rest show it when they move
_OPEN = [status.value for status in ACTIVE_STATUSES]


class RiskWatch(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        directory: CustomerDirectory,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.messages = messages
        self.directory = directory
        self._looked: datetime | None = None  # when this process last looked for newly linked complaints

    async def tick(self) -> int:
        """Flag the customers that reached the threshold, lift the flag of those that fell below; returns how many
        changed. Only customers a complaint was linked to since the last look (all of the window's at the first),
        and the flagged ones, are counted: a tick reads a handful of rows, not the window's tickets."""
        rule = self.workspace.customers_at_risk
        now = self.clock.now()
        since = now - timedelta(days=rule.days)
        changed = 0
        suggestion = name_text(rule.suggestion) if rule.suggestion else self.messages.t("customers.risk.suggestion")
        async with self.db.read() as session:  # most ticks end here, without taking the writer's turn
            fresh = await customer_work.complainers_linked_since(session, max(self._looked or since, since))
            flagged = {c.id for c in await customer_work.flagged_at_risk(session) if c.id is not None}
            counts = await customer_work.complaint_counts(session, sorted(fresh | flagged), since)
        at_risk = {customer_id for customer_id, count in counts.items() if count >= rule.complaints}
        if at_risk == flagged:
            self._look_again_from(now)
            return 0
        async with self.db.transaction() as session:
            for customer_id in sorted(at_risk - flagged):
                customer = await customer_rows.by_id(session, customer_id, for_update=True)
                if customer is None or customer.at_risk_since is not None:
                    continue  # another replica was first
                await customer_rows.set_at_risk(session, customer, True, SYSTEM_ACTOR, now)
                if customer.manager_id:
                    text = self.messages.t(
                        "customers.risk.dm",
                        customer=name_text(customer.name),
                        count=counts[customer_id],
                        days=rule.days,
                        suggestion=suggestion,
                    )
                    await self.messages.direct(session, now, customer.manager_id, text)
                await self._redraw(session, customer_id, now)
                self._learn(customer_id, customer.name, customer.stage, customer.manager_id, True)
                changed += 1
                log.warning(
                    "customer %s at risk: %s complaints in %s days", customer_id, counts[customer_id], rule.days
                )
            for customer_id in sorted(flagged - at_risk):
                customer = await customer_rows.by_id(session, customer_id, for_update=True)
                if customer is None or customer.at_risk_since is None:
                    continue
                await customer_rows.set_at_risk(session, customer, False, SYSTEM_ACTOR, now)
                await self._redraw(session, customer_id, now)
                self._learn(customer_id, customer.name, customer.stage, customer.manager_id, False)
                changed += 1
        self._look_again_from(now)  # only once the flags are written: should that fail, the next tick tries again
        if changed:
            self.outbox.wake()
        return changed

    def _look_again_from(self, now: datetime) -> None:
        # A little before this look: a link committed while this tick ran is not missed.
        self._looked = now - OVERLAP

    async def _redraw(self, session: AsyncSession, customer_id: int, now: datetime) -> None:
        """The customer's open tickets' cards, drawn again with (or without) the flag."""
        for ticket in await customer_work.open_of(session, customer_id, _OPEN, CARDS_UPDATED):
            await self.messages.card_changed(session, ticket.id or 0, now)

    def _learn(self, customer_id: int, name: str, stage: str | None, manager_id: str | None, at_risk: bool) -> None:
        known = self.directory.get(customer_id)
        if known is not None:
            self.directory.update(Summary(customer_id, name, stage, manager_id, at_risk))
