from __future__ import annotations

import re

import pytest

from storage.database import DatabaseUrlError, async_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///./crossdesk.db", "sqlite+aiosqlite:///./crossdesk.db"),
        ("sqlite+aiosqlite:////var/lib/c.db", "sqlite+aiosqlite:////var/lib/c.db"),
        ("postgresql://crossdesk@db/crossdesk", "postgresql+asyncpg://crossdesk@db/crossdesk"),
        ("postgres://u:p@h:5433/d", "postgresql+asyncpg://u:***@h:5433/d"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_operator_urls_become_async(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=True) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("mysql://u@h/d", "must start with sqlite:// or postgresql://"),
        ("postgresql+psycopg2://u@h/d", "driver +psycopg2 is not supported"),
        ("not a url", "is not a database URL"),
    ],
)
def test_unusable_urls_are_refused(given: str, message: str) -> None:
    with pytest.raises(DatabaseUrlError, match=re.escape(message)):
        async_url(given)
