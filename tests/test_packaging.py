"""`make install` runs `pip install -e ".[dev]"`: it must install quietly and leave the packages importable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage", "config")


def test_editable_install_shows_no_warning_box_and_imports_from_the_project(tmp_path: Path) -> None:
    # setuptools' import-finder editable strategy (flat layout without package-dir) ends every install with a
    # "!! Please be careful with folders in your working directory ... !!" box, which pip shows even with --quiet.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # The shared pip installs into the new environment (--python); build isolation fetches setuptools as
    # `make install` does. --no-deps: the dependencies are not what this is about.
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "-e", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if "No matching distribution found for setuptools" in installed.stderr:
        pytest.skip("no package index to fetch setuptools from (the build backend)")
    assert installed.returncode == 0, installed.stderr
    assert "!!" not in installed.stderr and "BuildBackendWarning" not in installed.stderr, installed.stderr
    where = "import importlib.util as u, sys; print(*(u.find_spec(p).origin for p in sys.argv[1:]))"
    found = subprocess.run(
        [str(python), "-c", where, *PACKAGES],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=True,
    )
    assert found.stdout.split() == [str(project / package / "__init__.py") for package in PACKAGES]
