"""Group commit, without a database: who is written with whom, and who hears about what."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime.group_commit import GroupCommit


async def settle() -> None:
    """Let every task that can run, run (a few turns of the loop; no time passes)."""
    for _ in range(5):
        await asyncio.sleep(0)


class Writer:
    """Records each batch; holds the first one open until released, so later items pile up behind it."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()

    async def write(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            await self.release.wait()
        return [ValueError(f"item {i} refused") if i < 0 else i * 10 for i in items]


async def test_a_lone_item_is_written_at_once_and_those_arriving_meanwhile_go_together() -> None:
    writer = Writer()
    commit: GroupCommit[int, int] = GroupCommit(writer.write)
    first = asyncio.create_task(commit.submit(1))
    await settle()
    assert writer.batches == [[1]]  # nothing waited for a batch to fill
    later = [asyncio.create_task(commit.submit(i)) for i in (2, 3, 4)]
    await settle()
    writer.release.set()
    assert await first == 10
    assert [await task for task in later] == [20, 30, 40]
    assert writer.batches == [[1], [2, 3, 4]]


async def test_an_item_that_fails_fails_alone() -> None:
    writer = Writer()
    writer.release.set()
    commit: GroupCommit[int, int] = GroupCommit(writer.write)
    good, bad = await asyncio.gather(commit.submit(5), commit.submit(-1), return_exceptions=True)
    assert good == 50
    assert isinstance(bad, ValueError) and str(bad) == "item -1 refused"


async def test_a_batch_that_fails_fails_everyone_in_it_and_the_next_batch_still_runs() -> None:
    batches: list[list[int]] = []

    async def write(items: list[int]) -> list[int | BaseException]:
        batches.append(items)
        if len(batches) == 1:
            await asyncio.sleep(0)
            raise ConnectionError("database gone")
        return items

    commit: GroupCommit[int, int] = GroupCommit(write)
    first = asyncio.create_task(commit.submit(1))
    await settle()
    second = asyncio.create_task(commit.submit(2))
    with pytest.raises(ConnectionError):
        await first
    assert await second == 2


async def test_a_submitter_that_stops_waiting_does_not_stop_its_item_or_the_others() -> None:
    writer = Writer()
    commit: GroupCommit[int, int] = GroupCommit(writer.write)
    blocker = asyncio.create_task(commit.submit(1))
    await settle()
    impatient = asyncio.create_task(commit.submit(2))
    patient = asyncio.create_task(commit.submit(3))
    await settle()
    impatient.cancel()
    writer.release.set()
    assert await blocker == 10 and await patient == 30
    assert writer.batches == [[1], [2, 3]]  # the cancelled one was still written (a retry will find it done)
    await commit.idle()


async def test_batches_are_no_bigger_than_asked() -> None:
    writer = Writer()
    commit: GroupCommit[int, int] = GroupCommit(writer.write, max_batch=2)
    tasks = [asyncio.create_task(commit.submit(i)) for i in range(1, 6)]
    await settle()
    writer.release.set()
    assert [await task for task in tasks] == [10, 20, 30, 40, 50]
    assert writer.batches == [[1, 2], [3, 4], [5]]
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(writer.write, max_batch=0)
