"""The README and the architecture page name only paths that exist, and the README stays short.

Docs that name a module which was moved or split send a newcomer looking for a file that is not there; this
test fails the moment a rename leaves them behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "README.md": ROOT / "README.md",
    "docs/architecture.md": ROOT / "docs" / "architecture.md",
    "docs/guide.md": ROOT / "docs" / "guide.md",
    "docs/permissions.md": ROOT / "docs" / "permissions.md",
}
README_MAX_LINES = 230
# Top-level folders of the repository: a bare mention starting with one of these is a path.
TOP_LEVEL = ("bot", "handlers", "storage", "config", "tests", "docs", "bench", ".ci")
# Paths the docs name that the bot or the operator creates, not the repository.
NOT_IN_REPO = frozenset({".venv", ".sandbox", ".env", "crossdesk.yaml", "crossdesk.db", "/data"})
# A relative path: segments of letters, digits, ``._-`` joined by ``/``; optionally ``::Name`` after a module.
_PATH = r"(?:\.\./)*\.?[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]+)*/?"
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_BARE = re.compile(r"(?<![\w./-])((?:" + "|".join(re.escape(top) for top in TOP_LEVEL) + r")/[A-Za-z0-9_./-]*)")


def _repository_path(raw: str, relative_to: Path, *, code_span: bool) -> str | None:
    """The repository path ``raw`` names, relative to the root, or ``None`` when it is not a path of ours."""
    path = raw.split("::", 1)[0].rstrip(".,;:")
    if "://" in path or path.startswith(("/", "#")) or not re.fullmatch(_PATH, path):
        return None
    looks_like_file = re.search(r"\.(py|md|ya?ml|json|toml|png|mako)$", path) is not None
    if "/" not in path and not looks_like_file:
        return None
    first = re.sub(r"^(?:\.\./)+", "", path).split("/", 1)[0]
    if first in NOT_IN_REPO or path in NOT_IN_REPO:
        return None
    if "." in first and not first.startswith(".") and not looks_like_file:
        return None  # a host name such as api.slack.com/apps
    if code_span and first in TOP_LEVEL:
        relative_to = ROOT
    resolved = str((relative_to / path).resolve().relative_to(ROOT))
    return resolved + ("/" if path.endswith("/") else "")


def mentioned_paths(text: str, base: Path) -> set[str]:
    """Every repository path a Markdown text names.

    Code spans that look like a relative path (with a ``/`` or a file suffix) are read from the root, or, under
    a heading that names a folder (``### `storage/` — the database``), from that folder, so a table of a
    package's modules may name them briefly. Link targets are read from ``base`` (the document's folder), as a
    Markdown viewer reads them. Bare ``bot/…``-style words count anywhere, code blocks and diagrams too.
    """
    found: set[str] = set()
    section = ROOT
    for line in text.splitlines():
        if line.startswith("#"):
            folders = [span for span in _CODE_SPAN.findall(line) if span.endswith("/")]
            section = ROOT / folders[0] if folders else ROOT
        for span in _CODE_SPAN.findall(_LINK.sub("", line)):  # a link's text is checked as its target
            path = _repository_path(span, section, code_span=True)
            if path is not None:
                found.add(path)
        for target in _LINK.findall(line):
            path = _repository_path(target, base, code_span=False)
            if path is not None:
                found.add(path)
        for bare in _BARE.findall(line):
            found.add(bare.rstrip(".,;:"))
    return found


def test_the_path_finder_sees_code_spans_links_and_bare_paths() -> None:
    text = (
        "See `bot/runtime/app.py::Crossdesk`, [the example](../config/crossdesk.example.yaml), [this](benchmarks.md).\n"
        "```\n  handlers/   listeners\n```\n"
        'Not paths: `CSV`, api.slack.com/apps, `/slack/events`, `.sandbox/workspace.json`, `ARGS="--reset"`.\n'
        "### `storage/` — the database\n"
        "`models.py`, `migrations/` and `tests/storage/`\n"
        "## Next\n"
        "`models.py`\n"
    )
    assert mentioned_paths(text, ROOT / "docs") == {
        "bot/runtime/app.py",
        "config/crossdesk.example.yaml",
        "docs/benchmarks.md",
        "handlers/",
        "storage/",
        "storage/models.py",
        "storage/migrations/",
        "tests/storage/",
        "models.py",
    }


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_path_the_docs_name_exists(name: str) -> None:
    document = DOCS[name]
    paths = mentioned_paths(document.read_text(encoding="utf-8"), document.parent)
    assert paths, f"{name} names no path at all: the finder is broken"
    missing = sorted(path for path in paths if not (ROOT / path).exists())
    assert not missing, f"{name} names paths that do not exist: {missing}"


def test_the_readme_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; keep it to {README_MAX_LINES}"


def test_the_readme_starts_with_what_it_is_and_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("## ", 1)[0]
    assert "Slack bot" in first_block
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("name", ["README.md", "docs/architecture.md"])
def test_no_figures_that_go_stale(name: str) -> None:
    """Timings and ratios belong in docs/benchmarks.md, which ``make bench`` rewrites; here they would rot."""
    text = DOCS[name].read_text(encoding="utf-8")
    stale = re.findall(r"\b\d[\d.,]*\s?(?:ms|µs|msgs/s|req/s|tickets/s|MB)\b|\b\d+(?:\.\d+)?\s?[×x](?=\W)", text)
    assert not stale, f"{name} quotes figures that go stale: {stale}"


def _package_sections(text: str) -> dict[str, str]:
    """The parts of a page under a heading that names a folder (``### `bot/tickets/` — …``), by folder."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("#"):
            folders = [span for span in _CODE_SPAN.findall(line) if span.endswith("/")]
            current = sections.setdefault(folders[0], []) if folders else None
        if current is not None:
            current.append(line)
    return {folder: "\n".join(lines) for folder, lines in sections.items()}


def test_the_architecture_page_describes_every_module() -> None:
    """Each package has a section, and each module (and sub-folder) of it is named there: a module added without a
    word in the architecture page is one a newcomer cannot place."""
    document = DOCS["docs/architecture.md"]
    sections = _package_sections(document.read_text(encoding="utf-8"))
    packages = [f"bot/{path.name}/" for path in sorted((ROOT / "bot").iterdir()) if (path / "__init__.py").exists()]
    folders = [*packages, "bot/", "handlers/", "storage/", "config/"]
    assert len(packages) >= 6, "the bot's packages were not found"
    assert [folder for folder in folders if folder not in sections] == [], "packages without a section"
    undescribed: list[str] = []
    for folder in folders:
        named = mentioned_paths(sections[folder], document.parent)
        for entry in sorted((ROOT / folder).iterdir()):
            if entry.name.startswith(("_", ".")) or (entry.is_file() and entry.suffix != ".py"):
                continue
            path = f"{folder}{entry.name}" + ("/" if entry.is_dir() else "")
            if path not in named and path not in sections:
                undescribed.append(path)
    assert undescribed == [], "docs/architecture.md: name these in their package's section, with their job"
