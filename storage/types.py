"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    SQLite has no time zone type and hands back naive values; storing naive UTC and re-attaching UTC
    on the way out means the domain only ever sees aware datetimes and comparisons never mix the two.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def bind_processor(self, dialect: Dialect) -> Any:
        """On SQLite, the text SQLAlchemy's own DATETIME would store (``2026-11-30 02:00:00.000000``), made in one
        step by ``isoformat``: every ticket and outbox row binds several of these, and the two-step default
        (this type, then the dialect's ``%``-formatting) was a visible part of opening a ticket."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        # A batch of new tickets and their outbox rows binds the same ``now`` a dozen times per ticket: the last
        # value and its text are kept (datetimes are immutable, so the same object always gives the same text).
        last: tuple[datetime | None, str | None] = (None, None)

        def to_text(value: datetime | None) -> str | None:
            nonlocal last
            if value is None:
                return None
            if value is last[0]:
                return last[1]
            zone = value.tzinfo
            if zone is None:
                raise ValueError("naive datetime given to a UTCDateTime column; use an aware datetime")
            naive = value.replace(tzinfo=None) if zone is UTC else value.astimezone(UTC).replace(tzinfo=None)
            text = naive.isoformat(" ", "microseconds")
            last = (value, text)
            return text

        return to_text

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """On SQLite, the stored text parsed in one step by ``fromisoformat`` (C code) instead of SQLAlchemy's
        regular-expression parse followed by :meth:`process_result_value`: the reminder tick reads a hundred
        tickets of a dozen datetimes each, and the two-step parse was a third of its time.

        The stored text is naive UTC, so the zone is written onto the text before the parse: ``fromisoformat``
        then returns the aware value itself, without the ``replace`` that cost six times the parse. Text that
        already names a zone (never written by this type) falls back to the general path."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        process = self.process_result_value
        parse = datetime.fromisoformat

        def from_text(value: Any) -> datetime | None:
            if value.__class__ is str:
                try:
                    return parse(value + "+00:00")
                except ValueError:
                    pass
            return process(value, dialect)

        return from_text

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite may hand back text
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(moment).__name__}")
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
