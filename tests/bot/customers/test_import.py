"""``crossdesk import-customers`` as an operator runs it (a real process, its exit code and what it prints), on both
databases: a good file, a bad one (every problem with its line, nothing written), a dry run, a second run that
updates, and a generated file of 100,000 rows read as a stream with a progress line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.customers import csv_rows
from bot.customers.importer import BATCH
from storage import customers as customer_rows
from storage.customers import NewCustomer
from storage.database import Database
from storage.migrate import upgrade
from tests.support.harness import START

ROOT = Path(__file__).resolve().parents[3]
HEADER = "name,aliases,stage,manager,external_id\n"


def crossdesk(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "CROSSDESK_"))}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
        check=False,
    )


async def everyone(database_url: str) -> dict[str, tuple[object, ...]]:
    db = Database(database_url)
    try:
        await upgrade(db)
        async with db.read() as session:
            found = await customer_rows.page(session, 0, 1000)
            events = {c.name: await customer_rows.events_of(session, c.id or 0) for c in found}
    finally:
        await db.dispose()
    return {
        c.name: (
            tuple(c.aliases),
            c.stage,
            c.manager_id,
            c.external_id,
            [(e.action, e.actor_id) for e in events[c.name]],
        )
        for c in found
    }


async def test_a_good_file_makes_its_customers_and_a_second_run_updates_them(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "\ufeff"  # Excel's "CSV UTF-8" starts with a byte-order mark
        + HEADER
        + "ACME Corp,acme; 艾克米,retention,U0ERIN,CRM-1\n"
        + "大地物流,Dadi Logistics；大地,winback,,\n"
        + '"Globex, Inc.",,Growth,U0LEADSALES,\n'
        + ",,,,\n",  # a blank row, as spreadsheets leave one
        encoding="utf-8",
    )
    first = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 rows: made 3 customers, updated 0" in first.stdout
    made = await everyone(database_url)
    assert made == {
        "ACME Corp": (("acme", "艾克米"), "retention", "U0ERIN", "CRM-1", [("created", "import")]),
        "大地物流": (("Dadi Logistics", "大地"), "win-back", None, None, [("created", "import")]),
        "Globex, Inc.": ((), "growth", "U0LEADSALES", None, [("created", "import")]),
    }
    path.write_text(HEADER + "ACME Group,,growth,,CRM-1\nGlobex Inc.,,,,\n大地物流,,,U0ALICE,\n", encoding="utf-8")
    second = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "3 rows: made 1 customers, updated 2" in second.stdout  # "Globex Inc." is another name than "Globex, Inc."
    after = await everyone(database_url)
    assert after["ACME Group"][:4] == (("acme", "艾克米"), "growth", "U0ERIN", "CRM-1")  # empty cells leave fields be
    assert after["ACME Group"][4] == [("created", "import"), ("renamed", "import"), ("stage_changed", "import")]
    assert after["大地物流"][2] == "U0ALICE"


async def test_a_bad_file_reports_every_problem_with_its_line_and_writes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    await upgrade(db)
    async with db.transaction() as session:
        await customer_rows.create(session, NewCustomer("Initech", ("ini",)), "U0ADMIN", START)
    await db.dispose()
    path = tmp_path / "customers.csv"
    path.write_text(
        HEADER
        + "ACME Corp,acme,retention,U0ERIN,CRM-1\n"  # line 2: fine
        + '"Hooli\n(two lines)",,churned,,\n'  # lines 3-4: a quoted name over two lines (refused), a bad stage
        + "Globex,ACME,growth,erin,\n"  # line 5: an alias the file already gave; a manager that is no id
        + ",acme2,,,\n"  # line 6: no name
        + "Pied Piper,INI,,,CRM-1\n"  # line 7: the database's alias; the file's external id again
        + "x,,,,\n"  # line 8: too short
        + "a,b,c,d,e,f\n",  # line 9: too many cells
        encoding="utf-8",
    )
    run = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    problems = [line.removeprefix(f"error: {path}:") for line in run.stderr.splitlines() if line.startswith("error:")]
    assert problems == [
        "3: name: the name contains a control character (a tab, a line break, a NUL): write the name on one line",
        "3: stage: unknown stage 'churned': write one of acquisition, conversion, retention, growth, winback",
        "5: aliases: 'ACME' is already a name on line 2",
        "5: manager: 'erin' must be a Slack member id such as U0123ABCD",
        "6: name: the name must not be empty",
        "7: aliases: 'INI' is already a name of Initech",
        "7: external_id: 'CRM-1' is already on line 2",
        "8: name: the name 'x' is too short to recognise a customer by (at least 2 characters)",
        "9: 6 cells but the header names 5 columns",
    ]
    assert "6 row(s) with problems; nothing was imported" in run.stderr
    assert list(await everyone(database_url)) == ["Initech"]


async def test_a_dry_run_checks_and_says_what_it_would_do(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + "ACME Corp,acme,retention,U0ERIN,\n", encoding="utf-8")
    run = crossdesk("import-customers", str(path), "--dry-run", database_url=database_url, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "1 rows: would make 1 customers, would update 0 — dry run, nothing written" in run.stdout
    assert await everyone(database_url) == {}
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("customer,stage\nACME,growth\n", encoding="utf-8")
    refused = crossdesk("import-customers", str(wrong), database_url=database_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert f"error: {wrong}:1: unknown column(s) 'customer'; the header must name the columns" in refused.stderr
    missing = crossdesk("import-customers", str(tmp_path / "none.csv"), database_url=database_url, cwd=tmp_path)
    assert missing.returncode == 1 and "file not found" in missing.stderr


async def test_a_hundred_thousand_rows_are_streamed_in_batches_with_a_progress_line(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(100_000):
            out.write(f"Customer {n:06},c{n:06};客户{n:06},retention,U0ERIN,CRM-{n}\n")
    run = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    stdout, stderr = run.stdout, run.stderr
    assert run.returncode == 0, stderr
    assert "100,000 rows: made 100,000 customers" in stdout
    assert "import-customers: checked 50,000 rows" in stderr and "import-customers: written 100,000 rows" in stderr
    db = Database(database_url)
    try:
        async with db.read() as session:
            assert (await customer_rows.version(session)).customers == 100_000
            found = await customer_rows.find(session, "客户099999")
    finally:
        await db.dispose()
    assert found is not None and found.name == "Customer 099999" and found.external_id == "CRM-99999"


class CountingLines(io.StringIO):
    """A file that counts the lines read from it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.lines = 0

    def __next__(self) -> str:
        self.lines += 1
        return super().__next__()


def test_rows_are_read_as_they_are_needed_not_all_at_once() -> None:
    stream = CountingLines(HEADER + "".join(f"Customer {n},,,,\n" for n in range(10 * BATCH)))
    rows = csv_rows.read(stream)
    first = [next(rows) for _ in range(BATCH)]
    assert all(isinstance(row, csv_rows.CustomerRow) for row in first)
    assert stream.lines <= BATCH + 2  # the header and one batch, not the file
    assert sum(1 for _ in rows) == 9 * BATCH


async def test_export_customers_as_csv_and_json_imports_again(database_url: str, tmp_path: Path) -> None:
    import csv
    import json

    db = Database(database_url)
    await upgrade(db)
    async with db.transaction() as session:
        acme = await customer_rows.create(
            session, NewCustomer("ACME Corp", ("acme", "艾克米"), "retention", "U0ERIN", "CRM-1"), "U0ADMIN", START
        )
        await customer_rows.create(session, NewCustomer("大地物流"), "U0ADMIN", START)
    await db.dispose()
    as_json = crossdesk("export", "--customers", "--format", "json", database_url=database_url, cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert rows[0] == {
        "name": "ACME Corp",
        "aliases": "acme; 艾克米",
        "stage": "retention",
        "manager": "U0ERIN",
        "external_id": "CRM-1",
        "open_tickets": 0,
        "closed_tickets": 0,
        "at_risk_since": "",
        "created_at": START.isoformat(),
    }
    assert rows[1]["name"] == "大地物流" and rows[1]["stage"] == "" and acme.id is not None
    path = tmp_path / "customers.csv"
    as_csv = crossdesk("export", "--customers", "-o", str(path), database_url=database_url, cwd=tmp_path)
    assert as_csv.returncode == 0 and "exported 2 customers" in as_csv.stderr
    with path.open(encoding="utf-8") as stream:
        assert [row["name"] for row in csv.DictReader(stream)] == ["ACME Corp", "大地物流"]
    # The export's columns are the import's (and counts, which it leaves): it reads back as the same customers.
    again = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "2 rows: made 0 customers, updated 0 (2 already as the file says)" in again.stdout


async def test_the_export_spells_the_stages_as_the_import_and_the_file_do(database_url: str, tmp_path: Path) -> None:
    import csv
    import json

    path = tmp_path / "customers.csv"
    path.write_text(HEADER + "Initech,,winback,U0ERIN,\nGlobex,,Win-Back,,\nHooli,,growth,,\n", encoding="utf-8")
    made = crossdesk("import-customers", str(path), database_url=database_url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    as_json = crossdesk("export", "--customers", "--format", "json", database_url=database_url, cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    assert [(row["name"], row["stage"]) for row in json.loads(as_json.stdout)] == [
        ("Initech", "winback"),  # acquisition | conversion | retention | growth | winback, as the contract writes it
        ("Globex", "winback"),
        ("Hooli", "growth"),
    ]
    exported = tmp_path / "exported.csv"
    written = crossdesk("export", "--customers", "-o", str(exported), database_url=database_url, cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    with exported.open(encoding="utf-8") as stream:
        assert [row["stage"] for row in csv.DictReader(stream)] == ["winback", "winback", "growth"]
    again = crossdesk("import-customers", str(exported), database_url=database_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "made 0 customers, updated 0 (3 already as the file says)" in again.stdout
