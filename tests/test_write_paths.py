"""Every table is written one way: through storage/'s repository functions. Outside storage/, nothing adds,
flushes or deletes through a session, builds an INSERT, UPDATE or DELETE, or reaches storage's private modules
(the SQLite fast path, ``storage/_*.py``).

Read from the source with ``ast``, so a write hidden in a branch no test reaches fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_STORAGE = ("bot", "handlers")
SESSION_WRITES = {"add", "add_all", "delete", "merge", "flush", "bulk_save_objects", "bulk_insert_mappings"}
STATEMENTS = {"insert", "update", "delete", "pg_insert", "sqlite_insert", "postgresql_insert"}
RUNS = {"exec", "execute", "exec_driver_sql"}


def _is_session(node: ast.expr) -> bool:
    """``session``, ``self.session``, ``change.session``: anything named like a session."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "session" in name.lower()


def _root_call_name(node: ast.expr) -> str:
    """The function at the root of a chain such as ``update(T).where(…).values(…)``."""
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def writes_outside_storage(source: str) -> list[str]:
    """What in ``source`` writes to the database without a repository function, one line per finding."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("storage._") or (node.module == "storage" and _private(node.names)):
                found.append(f"line {node.lineno}: imports storage's private {node.module}")
            if node.module.split(".")[0] in ("sqlalchemy", "sqlmodel"):
                written = sorted(alias.name for alias in node.names if alias.name in STATEMENTS)
                if written:
                    found.append(f"line {node.lineno}: imports {', '.join(written)} from {node.module}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports storage's private {alias.name}"
                for alias in node.names
                if alias.name.startswith("storage._")
            ]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in SESSION_WRITES and _is_session(node.func.value):
                found.append(f"line {node.lineno}: session.{method}")
            elif method in RUNS and node.args and _root_call_name(node.args[0]) in STATEMENTS:
                found.append(f"line {node.lineno}: {method}({_root_call_name(node.args[0])}(…))")
    return found


def _private(names: list[ast.alias]) -> bool:
    return any(alias.name.startswith("_") for alias in names)


def test_the_domain_writes_only_through_storage() -> None:
    found = {
        str(path.relative_to(ROOT)): problems
        for package in OUTSIDE_STORAGE
        for path in sorted((ROOT / package).rglob("*.py"))
        if (problems := writes_outside_storage(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "write through a function of storage/ instead (docs/architecture.md, The database)"


def test_the_check_finds_each_way_around_storage() -> None:
    source = """
from sqlalchemy import update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from storage._prepared import Statements
from storage import _sqlite_inline
import storage._prepared

async def change(session, ticket, change):
    session.add(ticket)
    change.session.add_all([ticket])
    await session.flush()
    await session.delete(ticket)
    await session.exec(update(Ticket).where(Ticket.id == 1).values(status="closed"))
    await (await session.connection()).execute(sqlite_insert(Ticket).values(key="SUP-1"))
    await session.execute(select(Ticket))
    tickets.add(session, [ticket])
"""
    assert writes_outside_storage(source) == [
        "line 2: imports update from sqlalchemy",
        "line 3: imports insert from sqlalchemy.dialects.sqlite",
        "line 4: imports storage's private storage._prepared",
        "line 5: imports storage's private storage",
        "line 6: imports storage's private storage._prepared",
        "line 9: session.add",
        "line 10: session.add_all",
        "line 11: session.flush",
        "line 12: session.delete",
        "line 13: exec(update(…))",
        "line 14: execute(sqlite_insert(…))",
    ]
