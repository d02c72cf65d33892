"""The garbage collector, set up for a long-running server once start-up is over.

A full collection walks every container object the process holds. At the end of start-up that is about
190,000 objects — the modules and classes of SQLAlchemy, pydantic, slack_sdk and Bolt, the app, its prebuilt
statements — none of which will ever be garbage. Under load CPython ran such a collection every two seconds
or so, each holding the event loop for about 90 ms on the benchmark machine: every request in flight waited,
and those pauses were most of the acknowledgement tail (``bench/PROFILE.md``, fifth round).

``gc.freeze()`` moves everything alive at the end of start-up into a generation the collector never walks,
so later full collections see only objects made since. The youngest generation's threshold goes from 700
to 5,000 allocations: most of a request's objects are gone before a collection would promote them, so fewer
reach the older generations. Reference counting still frees frozen objects that become unreachable; only a
reference cycle among them would stay — start-up objects live as long as the process anyway.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

YOUNG_THRESHOLD = 5_000  # allocations between collections of the youngest generation (CPython's default: 700)


def settle_after_startup() -> None:
    """Collect once, freeze what is left, and raise the youngest generation's threshold."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    log.debug(
        "heap settled: %s start-up objects frozen, young-generation threshold %s",
        gc.get_freeze_count(),
        YOUNG_THRESHOLD,
    )
