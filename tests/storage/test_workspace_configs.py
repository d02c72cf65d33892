"""The running configuration's record: written once per change, read back newest first; a refusal told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import workspace_configs
from storage.database import Database

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_a_configuration_is_recorded_once_and_the_newest_is_read_back(db: Database) -> None:
    async with db.transaction() as session:
        assert await workspace_configs.latest(session) is None
        assert await workspace_configs.record_applied(session, "a" * 64, "departments: A", "file", "crossdesk", NOW)
        # Another replica applying the same file records nothing more.
        assert not await workspace_configs.record_applied(session, "a" * 64, "departments: A", "file", "x", NOW)
        later = NOW + timedelta(minutes=1)
        assert await workspace_configs.record_applied(session, "b" * 64, "departments: B", "file", "crossdesk", later)
        # Back to the first file: recorded again, as the newest.
        assert await workspace_configs.record_applied(session, "a" * 64, "departments: A", "file", "crossdesk", later)
    async with db.read() as session:
        newest = await workspace_configs.latest(session)
    assert newest is not None and (newest.text, newest.applied_at) == ("departments: A", later)


async def test_a_refused_file_is_claimed_by_one_teller_per_running_configuration(db: Database) -> None:
    async with db.transaction() as session:
        assert await workspace_configs.claim_refusal(session, "f" * 64, "r" * 64, NOW)
        assert not await workspace_configs.claim_refusal(session, "f" * 64, "r" * 64, NOW)
        # The same bad file against another running configuration is news again.
        assert await workspace_configs.claim_refusal(session, "f" * 64, "s" * 64, NOW)
