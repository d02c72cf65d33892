"""Start-up stays light: importing the app loads nothing it only needs once a day.

Run in a fresh interpreter, since this test process has long imported everything the other tests use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "bot.runtime.app"


def _modules_after(statement: str) -> set[str]:
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_app_does_not_load_matplotlib() -> None:
    """matplotlib draws the daily digest's chart; bot.schedule.charts imports it when it draws (about 0.6 s saved)."""
    loaded = _modules_after(f"import {APP}")
    assert APP in loaded and "bot.schedule.charts" in loaded  # the chart module, not its drawing library
    assert "matplotlib" not in loaded


def test_drawing_the_chart_loads_matplotlib() -> None:
    """The probe above can see matplotlib when it is there."""
    loaded = _modules_after("from bot.schedule.charts import cjk_font\ncjk_font()")
    assert "matplotlib" in loaded
