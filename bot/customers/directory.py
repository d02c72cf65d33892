"""The customers every process knows by heart: each one's name, stage, account manager and risk, and the matcher
that finds which of them a ticket's text names (``bot.customers.matcher``).

Read whole at start-up, a page at a time; changed in place when this process changes a customer; read again when
the ticker sees that the table changed (another replica, an import) — never asked per message. Opening a ticket
therefore links it to its customer, and knows whom to tell, without a query.
"""

from __future__ import annotations

import logging

from bot.customers.matcher import NameMatcher
from storage import customers as customer_rows
from storage.customers import Summary, Version
from storage.database import Database

log = logging.getLogger(__name__)
PAGE = 5000


class CustomerDirectory:
    def __init__(self) -> None:
        self._matcher = NameMatcher()
        self._known: dict[int, Summary] = {}
        self._keys: dict[int, list[str]] = {}
        self._version: Version | None = None

    def __len__(self) -> int:
        return len(self._known)

    def get(self, customer_id: int | None) -> Summary | None:
        return self._known.get(customer_id) if customer_id is not None else None

    def named(self, name: str) -> Summary | None:
        """The customer whose name or alias ``name`` is, however cased or spaced."""
        return self._known.get(self._matcher.get(name) or 0)

    def match(self, text: str) -> Summary | None:
        """The customer ``text`` names first (:class:`NameMatcher`), or ``None``."""
        return self._known.get(self._matcher.find(text) or 0)

    def learn(self, customer: Summary, keys: list[str]) -> None:
        """A customer this process just made or changed, with every folded name it is found by now."""
        for key in self._keys.get(customer.id, []):
            self._matcher.remove(key, customer.id)
        for key in keys:
            self._matcher.add(key, customer.id)
        self._keys[customer.id] = keys
        self._known[customer.id] = customer

    def update(self, customer: Summary) -> None:
        """A known customer's stage, manager or risk changed (its names did not)."""
        self._known[customer.id] = customer

    async def load(self, db: Database) -> None:
        """Read every customer and name, then take them in at once (a lookup meanwhile sees the old ones)."""
        async with db.read() as session:
            version = await customer_rows.version(session)
            known: dict[int, Summary] = {}
            after = 0
            while page := await customer_rows.summaries(session, after, PAGE):
                known.update((summary.id, summary) for summary in page)
                after = page[-1].id
            matcher = NameMatcher()
            keys: dict[int, list[str]] = {}
            last_key = ""
            while names := await customer_rows.name_keys(session, last_key, PAGE):
                for key, customer_id in names:
                    matcher.add(key, customer_id)
                    keys.setdefault(customer_id, []).append(key)
                last_key = names[-1][0]
        self._matcher, self._known, self._keys, self._version = matcher, known, keys, version
        log.info("knows %s customer(s) by %s name(s)", len(known), len(matcher))

    async def refresh(self, db: Database) -> bool:
        """Read everything again when the customers changed since the last read; ``True`` when it did."""
        async with db.read() as session:
            version = await customer_rows.version(session)
        if version == self._version:
            return False
        await self.load(db)
        return True
