"""The daily digest of a workspace with shared goals, over the hand-computed fortnight: it leads with three lines and
the scorecard picture, and everything the digest showed before follows in its thread, once a day."""

from __future__ import annotations

import base64

import pytest
from sqlmodel import col, select

from bot.outbox.interface import QueueOnly
from bot.runtime.clock import ManualClock
from bot.schedule.digest import CHART_FILENAME, HANDOFF_FILENAME, SCORECARD_FILENAME, DigestService
from bot.schedule.digest_post import UPLOAD_METHOD
from bot.schedule.goal_source import GoalSource
from bot.surfaces.digest_views import render_messages
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.scorecard_views import lead_blocks
from config.schema import WorkspaceConfig
from storage.database import Database
from storage.models import OutboxMessage
from tests.support.goal_fixture import END, Played, at, play

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def played(db: Database, workspace: WorkspaceConfig) -> Played:
    return await play(db, workspace)


async def posted(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return [row for row in rows if row.payload.get("channel") == "C0MGMT"]


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_scorecard_leads_and_the_details_follow_in_the_thread(
    played: Played, db: Database, language: str
) -> None:
    now = at(10, 5, 18, 5)  # Monday 18:05, the digest's time
    digest = DigestService(db, played.workspace, ManualClock(now), QueueOnly(db), Translator(language))
    await digest.catch_up.first_started(at(9, 1))
    assert await digest.tick()
    assert not await digest.tick()  # once a day
    message, scorecard, *thread = await posted(db)

    card = await GoalSource(db, played.workspace, language).scorecard(now)
    assert (message.method, message.purpose) == ("chat.postMessage", OutboxPurpose.NOTICE.value)
    assert message.payload["blocks"] == lead_blocks(card)
    tally = f"*{card.met()} of 8 goals met*" if language == "en" else f"*8 个目标达成 {card.met()} 个*"
    assert message.payload["blocks"][1]["text"]["text"].startswith(tally)
    assert (scorecard.method, scorecard.purpose, scorecard.depends_on_id) == (
        UPLOAD_METHOD,
        OutboxPurpose.NOTICE.value,
        message.id,
    )
    assert scorecard.payload["filename"] == SCORECARD_FILENAME
    assert base64.b64decode(scorecard.payload["content_b64"]).startswith(PNG_SIGNATURE)

    assert all(row.purpose == OutboxPurpose.THREAD_REPLY.value and row.depends_on_id == message.id for row in thread)
    details = [row for row in thread if row.method == "chat.postMessage"]
    pictures = [row.payload["filename"] for row in thread if row.method == UPLOAD_METHOD]
    report = await digest.report(now)
    assert [row.payload["blocks"] for row in details] == render_messages(report)  # the whole digest, as it was
    assert pictures == [CHART_FILENAME, HANDOFF_FILENAME]  # consults were asked: the hand-off map too


async def test_the_scorecard_is_the_goals_numbers(played: Played, db: Database) -> None:
    """At the fortnight's end the lead says what the hand-computed numbers say."""
    digest = DigestService(db, played.workspace, ManualClock(END), QueueOnly(db), Translator("en"))
    lead = await digest.lead(END)
    text = lead.blocks[1]["text"]["text"]
    assert text.startswith("*3 of 8 goals met*; Engineering 研发 misses *Acknowledge on time*: 0% against 90%")
    assert lead.text == "Crossdesk daily digest for 2026-10-05: 3 of 8 shared goals met."
    assert lead.scorecard.png.startswith(PNG_SIGNATURE)
