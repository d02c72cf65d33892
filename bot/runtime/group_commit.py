"""Group commit: work that arrives while a transaction is being written goes together in the next one.

A transaction costs the same handful of round trips (and, on SQLite, one turn of the single writer) whether it
writes one ticket or forty. Under load, requests that would each have queued for their own turn instead wait
for the batch in flight and are written together; a lone request is written at once, so nothing waits for a
batch to fill.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Hands each batch of submitted items to ``write`` and gives every submitter its own outcome.

    ``write`` gets the items in the order they were submitted and returns one outcome per item; when it
    raises, every item of that batch gets the exception. A submitter that stops waiting (its request timed
    out) does not stop the batch: its item is written all the same, and a retry finds it done.
    """

    def __init__(
        self, write: Callable[[list[Item]], Awaitable[Sequence[Result | BaseException]]], max_batch: int = 64
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._write = write
        self._max_batch = max_batch
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Queue ``item`` for the next batch and wait for its outcome."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="group-commit")
        # Not shielded: a submitter that is cancelled cancels its future, and the batch then skips it.
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            try:
                outcomes = await self._write([item for item, _ in batch])
            except Exception as error:  # the whole batch failed (the database is unreachable, say)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            except BaseException as error:  # cancelled while writing: nobody may be left waiting
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                raise
            if len(outcomes) != len(batch):
                mismatch = RuntimeError(f"a batch of {len(batch)} got {len(outcomes)} outcomes")
                log.error("%s", mismatch)
                outcomes = [mismatch] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def idle(self) -> None:
        """Wait until every submitted item has been written (used when stopping)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.wait({self._worker})
