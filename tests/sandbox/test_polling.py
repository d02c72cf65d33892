"""``eventually()``, the one poll-until helper of the tests, the sandbox's test support and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.sandbox.polling import NotYet, eventually


async def test_it_returns_the_first_truthy_answer_of_a_sync_or_async_check() -> None:
    answers: Iterator[object] = iter([None, 0, [], "found"])
    assert await eventually(lambda: next(answers), interval=0) == "found"

    calls = 0

    async def third_time() -> int:
        nonlocal calls
        calls += 1
        return calls if calls == 3 else 0

    assert await eventually(third_time, interval=0) == 3


async def test_past_the_deadline_it_fails_with_the_message_made_then() -> None:
    looked = 0

    def never() -> bool:
        nonlocal looked
        looked += 1
        return False

    with pytest.raises(NotYet, match="looked 2 times"):
        await eventually(never, timeout=0.05, interval=1.0, failure=lambda: f"looked {looked} times")
    # Once at the start and once more at the deadline: a condition that held by then is not failed.
    assert looked == 2
    with pytest.raises(AssertionError, match=r"within 0\.0s"):
        await eventually(lambda: False, timeout=0.0)


async def test_an_error_in_the_check_stops_the_wait_at_once() -> None:
    def crashed() -> bool:
        raise RuntimeError("the process exited")

    with pytest.raises(RuntimeError, match="exited"):
        await eventually(crashed, timeout=60)
