"""Small modules, one job each: no module of the application is over ``MAX_LINES`` lines.

A module that grows past it usually does two jobs, and a newcomer has to read both to change one. When a module
has to be longer, it is listed in ``LONGER`` with the reason; the reason is removed (the test insists) once the
module is back under the limit.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "config")
MAX_LINES = 400

# Modules allowed over MAX_LINES, each with why. Keep this short; prefer splitting by job.
LONGER: dict[str, str] = {}


def _line_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            with path.open(encoding="utf-8") as source:
                counts[path.relative_to(ROOT).as_posix()] = sum(1 for _ in source)
    return counts


def test_the_count_sees_every_package() -> None:
    """Guards the tests below against passing on an empty or misread tree."""
    counts = _line_counts()
    assert {path.split("/", 1)[0] for path in counts} == set(PACKAGES)
    assert counts["bot/runtime/app.py"] > 50


def test_no_module_is_over_the_limit_without_a_reason() -> None:
    over = {path: lines for path, lines in _line_counts().items() if lines > MAX_LINES and path not in LONGER}
    assert over == {}, f"split these by job (or list one in LONGER with the reason it must be longer): {over}"


def test_every_listed_exception_is_still_needed() -> None:
    counts = _line_counts()
    stale = sorted(path for path in LONGER if counts.get(path, 0) <= MAX_LINES)
    assert stale == [], f"under {MAX_LINES} lines now (or gone): remove them from LONGER"
    assert all(reason.strip() for reason in LONGER.values())
