"""``recorded_configuration``: the one read of "the configuration the bots run" that ``crossdesk report`` and
``crossdesk export --handoff-map`` count with — the newest record under ``config_source: database``, else the file;
a record that no longer parses gives the file, and the log says so."""

from __future__ import annotations

import logging

import pytest

from bot.runtime.config_watch import recorded_configuration
from config.loader import parse_workspace
from storage import workspace_configs
from storage.database import Database
from tests.support.admin import database_workspace, example_with
from tests.support.harness import START


async def _record(db: Database, text: str, source: str = "database") -> None:
    async with db.transaction() as session:
        await workspace_configs.record_applied(session, f"digest-{len(text)}-{source}", text, source, "U0ADMIN", START)


async def test_the_newest_record_under_the_database_is_what_runs(db: Database) -> None:
    file = database_workspace()
    assert await recorded_configuration(db, file) is file  # nothing recorded yet: the file seeds it
    await _record(db, example_with(replace=("name: Customer Support 客户支持", "name: Support Desk")))
    running = await recorded_configuration(db, file)
    recorded, seeded = running.department("SUP"), file.department("SUP")
    assert recorded is not None and recorded.name == "Support Desk"
    assert seeded is not None and seeded.name == "Customer Support 客户支持"


async def test_a_file_sourced_workspace_is_its_own_record(db: Database) -> None:
    file = parse_workspace(example_with(source="file"))
    await _record(db, example_with(replace=("name: Customer Support 客户支持", "name: Support Desk")))
    assert await recorded_configuration(db, file) is file


async def test_a_record_that_no_longer_parses_gives_the_file_and_says_so(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    file = database_workspace()
    await _record(db, "departments: [this is not a workspace")
    with caplog.at_level(logging.ERROR, logger="bot.runtime.config_watch"):
        assert await recorded_configuration(db, file) is file
    assert "the recorded configuration cannot be used" in caplog.text
