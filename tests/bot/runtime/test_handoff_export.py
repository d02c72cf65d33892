"""``crossdesk export --handoff-map``: the hand-computed week of ``tests/support/handoff_fixture.py`` as CSV and JSON,
on SQLite and PostgreSQL; and what is refused before anything is read."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from bot.runtime.handoff_export import window
from config.schema import WorkspaceConfig
from storage.database import Database
from tests.bot.runtime.test_cli import crossdesk
from tests.support import handoff_fixture as week

ROWS = [
    {
        "from_department": "SUP",
        "to_department": "ENG",
        "consults_asked": 3,
        "consults_answered": 3,
        "median_answer_hours": 7.0,
        "answered_within_sla": 2,
        "within_sla_ratio": 0.6667,
        "bounces": 2,
    },
    {
        "from_department": "ENG",
        "to_department": "SUP",
        "consults_asked": 0,
        "consults_answered": 0,
        "median_answer_hours": None,
        "answered_within_sla": 0,
        "within_sla_ratio": None,
        "bounces": 1,
    },
    {
        "from_department": "ENG",
        "to_department": "SALES",
        "consults_asked": 2,
        "consults_answered": 2,
        "median_answer_hours": 4.0,
        "answered_within_sla": 1,
        "within_sla_ratio": 0.5,
        "bounces": 0,
    },
]


async def test_the_week_exported_as_json_and_csv(db: Database, database_url: str, workspace: WorkspaceConfig) -> None:
    await week.seed(db, workspace)
    env = {"DATABASE_URL": database_url}
    days = ["--from", "2026-09-28", "--to", "2026-10-04"]
    exported = crossdesk("export", "--handoff-map", *days, "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == ROWS

    as_csv = crossdesk("export", "--handoff-map", *days, env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["from_department"], r["to_department"], r["median_answer_hours"]) for r in rows] == [
        ("SUP", "ENG", "7.0"),
        ("ENG", "SUP", ""),
        ("ENG", "SALES", "4.0"),
    ]

    # The Thursday holiday alone: ENG-4 was asked that day; nothing was answered or moved but a bounce at 09:00.
    holiday = crossdesk("export", "--handoff-map", "--from", "2026-10-01", "--to", "2026-10-01", "-o", "-", env=env)
    assert holiday.returncode == 0, holiday.stderr
    [row] = list(csv.DictReader(io.StringIO(holiday.stdout)))
    assert (row["from_department"], row["to_department"], row["consults_asked"], row["bounces"]) == (
        "SUP",
        "ENG",
        "1",
        "1",
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--from", "2026-10-01"], "error: --from and --to go with --handoff-map"),
        (["--handoff-map", "--from", "2026-10-05", "--to", "2026-10-01"], "--from 2026-10-05 is after --to 2026-10-01"),
        (["--handoff-map", "--from", "1 October"], "'1 October' is not a date; write it as YYYY-MM-DD"),
        (["--handoff-map", "--history", "SUP-1"], "not allowed with argument"),
    ],
)
def test_bad_days_are_refused_with_what_to_write(args: list[str], said: str) -> None:
    result = crossdesk("export", *args, env={"DATABASE_URL": "sqlite:///does-not-matter.db"})
    assert result.returncode == 2 and said in result.stderr and result.stdout == ""


def test_one_day_given_alone_gets_the_digests_length(workspace: WorkspaceConfig) -> None:
    assert window(date(2026, 9, 28), None, workspace, week.NOW) == (week.WINDOW_START, week.WINDOW_END)
    assert window(None, date(2026, 10, 4), workspace, week.NOW) == (week.WINDOW_START, week.WINDOW_END)
    assert window(None, None, workspace, week.NOW) == (week.WINDOW_START, week.WINDOW_END)
