"""The weekly review over the hand-computed fortnight: posted once on the review's day after ``digest.at``, with its
picture, never on another day or without ``digest.weekly``; its numbers are the goals' and the week's."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.outbox.interface import QueueOnly
from bot.runtime.clock import ManualClock
from bot.schedule.weekly_review import HANDOFF_FILENAME, REVIEW_FILENAME, UPLOAD_METHOD, WeeklyReviewService
from bot.surfaces.i18n import Translator
from bot.surfaces.review_views import review_blocks
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.models import JobRun, OutboxMessage
from tests.support.goal_fixture import END, Played, at, play

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONDAY_EVENING = at(10, 5, 18, 5)  # the example file: weekly on mon, at 18:00


async def review_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return [row for row in rows if row.payload.get("channel") == "C0MGMT"]


def service_of(played: Played, db: Database, clock: ManualClock, language: str = "en") -> WeeklyReviewService:
    return WeeklyReviewService(db, played.workspace, clock, QueueOnly(db), Translator(language))


@pytest.fixture
async def played(db: Database, workspace: WorkspaceConfig) -> Played:
    return await play(db, workspace)


async def test_the_review_is_posted_once_on_its_day(played: Played, db: Database) -> None:
    clock = ManualClock(at(10, 5, 17, 59))
    review = service_of(played, db, clock)
    await review.catch_up.first_started(at(9, 1))  # the bot has run since before the fortnight
    assert not await review.tick()  # not yet 18:00
    clock.set(MONDAY_EVENING)
    assert await review.tick()
    assert not await review.tick()  # once a week
    message, picture, handoffs = await review_rows(db)
    assert (message.method, picture.method) == ("chat.postMessage", UPLOAD_METHOD)
    assert picture.depends_on_id == message.id
    # The week's hand-offs (SUP-3 went to Engineering, consults were answered): the map, in the review's thread.
    assert (handoffs.method, handoffs.purpose, handoffs.depends_on_id) == (UPLOAD_METHOD, "thread_reply", message.id)
    assert handoffs.payload["filename"] == HANDOFF_FILENAME
    assert "*Hand-offs between departments, last 7 days*" in json.dumps(message.payload["blocks"])
    expected = await review.review(MONDAY_EVENING)
    met = expected.history.cards[-1].met()
    assert message.payload["text"] == (
        f"Crossdesk weekly review for 2026-10-05: the company meets {met} of 8 shared goals."
    )
    assert message.payload["blocks"] == review_blocks(expected)
    assert picture.payload["filename"] == REVIEW_FILENAME
    assert picture.payload["title"] == "Crossdesk — shared goals week by week, 8 weeks to 2026-10-05"
    assert base64.b64decode(picture.payload["content_b64"]).startswith(PNG_SIGNATURE)
    async with db.transaction() as session:
        run = await session.get(JobRun, ("weekly_review", "2026-W41"))
    assert run is not None and run.finished_at is not None
    clock.set(at(10, 6, 18, 5))  # Tuesday: no review
    assert not await review.tick()
    assert len(await review_rows(db)) == 3


async def test_the_weeks_numbers(played: Played, db: Database) -> None:
    review = await service_of(played, db, ManualClock(END)).review(END)
    assert len(review.history.ends) == 8 and review.history.ends[-1] == END
    latest = review.history.cards[-1]
    assert [cell.value for cell in latest.company.cells][:2] == [pytest.approx(4 / 7), pytest.approx(0.8)]
    assert {key: (scores.answered, scores.total) for key, scores in review.satisfaction.items()} == {
        "SUP": (1, 5),
        "ENG": (2, 6),
        "SALES": (1, 3),
    }
    assert review.complaints["unknown"] == 3 and sum(review.complaints.values()) == 3  # opened in the week, no stage
    assert review.handoffs is not None and review.handoffs.totals.bounces == 1  # SUP-3, Support to Engineering
    # The same three complaints timed apart, wall-clock from their opening: SALES-1 6 h, SUP-4 Wed 16:00 to Fri 10:00.
    # None answered: the admin who acknowledged them asked them too, and a requester's own step answers nothing.
    times = review.complaint_times
    assert times is not None and (times.opened, times.answered, times.resolved) == (3, 0, 3)
    assert (times.first_response, times.resolution) == (None, timedelta(days=1, hours=18))


async def test_no_review_without_its_day_or_goals(played: Played, db: Database) -> None:
    for workspace in (
        played.workspace.model_copy(update={"digest": played.workspace.digest.model_copy(update={"weekly": None})}),
        played.workspace.model_copy(update={"goals": []}),
        played.workspace.model_copy(update={"digest": None}),
    ):
        service = WeeklyReviewService(db, workspace, ManualClock(MONDAY_EVENING), QueueOnly(db), Translator("en"))
        await service.catch_up.first_started(at(9, 1))
        assert not await service.post_weekly(MONDAY_EVENING)
    assert await review_rows(db) == []


async def test_two_replicas_post_one_review(played: Played, db: Database, database_url: str) -> None:
    engines = [Database(database_url) for _ in range(2)]
    replicas = [service_of(played, engine, ManualClock(MONDAY_EVENING)) for engine in engines]
    try:
        await replicas[0].catch_up.first_started(at(9, 1))
        posted = await asyncio.gather(*(replica.post_weekly(MONDAY_EVENING) for replica in replicas))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(posted) == [False, True]
    assert len(await review_rows(db)) == 3  # one review: its message, its picture, the week's hand-off map
