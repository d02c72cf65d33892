"""bot/runtime/heap.py, in a process of its own: freezing the test process's heap would change every later test."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.runtime.heap import YOUNG_THRESHOLD

PROBE = """
import gc, json
import bot.runtime.app  # the bot's modules, as a started bot holds them
from bot.runtime.heap import settle_after_startup
before = {"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}
settle_after_startup()
after = {"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(), "tracked": len(gc.get_objects())}
print(json.dumps({"before": before, "after": after}))
"""


def test_start_up_objects_are_frozen_and_young_collections_come_less_often() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    before, after = report["before"], report["after"]
    assert before["frozen"] == 0
    assert before["threshold"][0] < YOUNG_THRESHOLD
    # The modules' objects are out of the collector's walk: far more frozen than are left to walk.
    assert after["frozen"] > 50_000
    assert after["tracked"] < after["frozen"] // 10
    assert after["threshold"] == [YOUNG_THRESHOLD, before["threshold"][1], before["threshold"][2]]
