"""``crossdesk report``: the fortnight's goals as a self-contained HTML page and as a CSV table, with the numbers
worked out by hand in ``tests/support/goal_fixture.py``; on SQLite and PostgreSQL; and the command as an operator
runs it, refusals included."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

from bot.runtime.goal_report import REPORT_FIELDS, build
from config.schema import WorkspaceConfig
from storage.database import Database
from tests.bot.runtime.test_cli import crossdesk
from tests.support.admin import database_workspace, example_with, open_department, submit
from tests.support.goal_fixture import END, goal_workspace_file, play
from tests.support.harness import running_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIRST, LAST = date(2026, 9, 28), date(2026, 10, 4)  # the fortnight's second week: END is the Monday after
# Values the page shows for (row, goal), as the fixture's table has them (symbol, value, change).
SHOWN = [
    ("Customer Support 客户支持 (SUP)", "✓ 100% ↑"),  # acknowledged on time, up from 0 %
    ("Engineering 研发 (ENG)", "✗ 0% ↓"),
    ("Sales 销售 (SALES)", "✗ 67%"),
]


class Page(HTMLParser):
    """What a browser would fetch (every src and href) and every table cell's text, by row."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.fetched += [value or "" for name, value in attrs if name in ("src", "href")]
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


async def test_the_page_holds_the_fortnights_numbers_and_fetches_nothing(
    db: Database, workspace: WorkspaceConfig
) -> None:
    played = await play(db, workspace)
    said: list[str] = []
    report = await build(
        db, played.workspace, FIRST, LAST, now=END + timedelta(days=60), as_csv=False, progress=said.append
    )
    assert report.html is not None and report.card.end == END
    page = Page()
    page.feed(report.html)
    # Self-contained: the pictures are data: URLs, there is no script, stylesheet link or web font.
    assert page.fetched and all(url.startswith("data:image/png;base64,") for url in page.fetched)
    assert not re.search(r"https?://", report.html) and not {"script", "link", "iframe"} & page.tags
    for url in page.fetched:
        assert base64.b64decode(url.split(",", 1)[1]).startswith(PNG_SIGNATURE)
    rows = {row[0]: row[1:] for row in page.rows if row}
    for name, ack in SHOWN:
        assert rows[name][0].startswith(ack), (name, rows[name][0])
    company = rows["Company"]
    assert [cell.split("before")[0].strip() for cell in company] == [
        "✗ 57% ↑",  # 4 of 7, from 1 of 2 the week before
        "✓ 80% ↓",
        "~ 3.5 ↓",
        "✗ 50%",
        "✓ 6h",
        "✓ 14% ↑",
        "✗ 3 ↑",
        "~ 1 ↑",
    ]
    assert "*3 of 8 goals met*" not in report.html and "<strong>3 of 8 goals met</strong>" in report.html
    assert said[0] == "crossdesk report: reading 8 goals for 2026-09-28 to 2026-10-04 …"
    assert "crossdesk report: the periods before, 8 of 8 …" in said


async def test_the_table_has_every_number(db: Database, workspace: WorkspaceConfig) -> None:
    played = await play(db, workspace)
    report = await build(db, played.workspace, FIRST, LAST, now=END + timedelta(days=1), as_csv=True, progress=print)
    assert report.html is None
    found = {(row["department_key"], row["metric"]): row for row in report.rows}
    assert len(report.rows) == 4 * 8 and set(report.rows[0]) == set(REPORT_FIELDS)
    sup = found[("SUP", "ack_within_sla")]
    assert (sup["value"], sup["previous"], sup["verdict"], sup["value_text"]) == (1.0, 0.0, "met", "100%")
    company = found[("*", "complaint_resolve_median")]
    assert (company["value"], company["value_text"], company["sample"]) == (21600.0, "6h", 3)
    assert found[("ENG", "consult_within_sla")]["verdict"] == "met"


def test_the_command_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    backwards = crossdesk(
        "report",
        "--from",
        "2026-10-04",
        "--to",
        "2026-09-28",
        env={"CROSSDESK_CONFIG": str(goal_workspace_file(tmp_path / "c.yaml"))},
    )
    assert backwards.returncode == 2 and "--from 2026-10-04 is after --to 2026-09-28" in backwards.stderr
    missing = crossdesk("report", "--from", "2026-09-28")
    assert missing.returncode == 2 and "--to" in missing.stderr
    bad = crossdesk("report", "--from", "28/09/2026", "--to", "2026-10-04")
    assert bad.returncode == 2 and "write it as YYYY-MM-DD" in bad.stderr
    quiet = tmp_path / "no-goals.yaml"
    quiet.write_text("triage_department: SUP\ndepartments:\n  - {key: SUP, name: Support, owners: [U0ALICE]}\n")
    no_goals = crossdesk("report", "--from", "2026-09-28", "--to", "2026-10-04", env={"CROSSDESK_CONFIG": str(quiet)})
    assert no_goals.returncode == 1 and "no goals" in no_goals.stderr
    assert not (tmp_path / "report.html").exists()


async def test_the_command_writes_the_page_and_the_table(
    db: Database, database_url: str, workspace: WorkspaceConfig, tmp_path: Path
) -> None:
    await play(db, workspace)
    env = {"DATABASE_URL": database_url, "CROSSDESK_CONFIG": str(goal_workspace_file(tmp_path / "crossdesk.yaml"))}
    page = tmp_path / "report.html"
    done = crossdesk("report", "--from", "2026-09-28", "--to", "2026-10-04", "--out", str(page), env=env)
    assert done.returncode == 0, done.stderr
    assert "reading 8 goals" in done.stderr and f"wrote the page of 2026-09-28 to 2026-10-04 to {page}" in done.stderr
    assert "<strong>3 of 8 goals met</strong>" in page.read_text(encoding="utf-8")
    table = crossdesk("report", "--from", "2026-09-28", "--to", "2026-10-04", "--csv", "--out", "-", env=env)
    assert table.returncode == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert {row["verdict"] for row in rows if row["metric"] == "ack_within_sla"} == {"met", "missed"}


async def test_with_the_database_as_source_the_report_has_the_departments_slack_edited(
    database_url: str, tmp_path: Path
) -> None:
    async with running_bot(database_url, database_workspace()) as bot:
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"name": "Support Desk"}) == {}
    path = tmp_path / "crossdesk.yaml"
    path.write_text(example_with(), encoding="utf-8")  # the file only seeded the database: it still says the old name
    env = {"DATABASE_URL": database_url, "CROSSDESK_CONFIG": str(path)}
    table = crossdesk("report", "--from", "2026-09-28", "--to", "2026-10-04", "--csv", "--out", "-", env=env)
    assert table.returncode == 0, table.stderr
    names = {row["department_key"]: row["department"] for row in csv.DictReader(io.StringIO(table.stdout))}
    assert names["SUP"] == "Support Desk" and names["ENG"] == "Engineering 研发"
