"""``GET /metrics`` over real HTTP, after real traffic: each figure moves when, and only when, it should."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime import app as app_module
from bot.runtime.app import REQUEST_SLACK_TIMEOUT
from bot.runtime.metrics import Metrics
from bot.sandbox import slack_requests
from bot.schedule.ticker import Ticker
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot


async def scrape(bot: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics`` as {(name, sorted labels): value}."""
    response = await bot.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_follow_requests_tickets_and_the_outbox(bot: Harness) -> None:
    before = await scrape(bot)
    assert value(before, "crossdesk_tickets_opened_total", department="SUP") == 0

    message = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "refund please")
    payload = slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=message.text, ts=message.ts)
    assert (await bot.event(payload)).status_code == 200
    assert (await bot.event(payload, retry_num=1)).status_code == 200  # Slack's retry: deduplicated
    await bot.drain()
    bug = bot.fake.post_user_message("C0INTAKE", "U0ERIN", "a bug in checkout")
    await bot.event(slack_requests.message_event(channel="C0INTAKE", user="U0ERIN", text=bug.text, ts=bug.ts))
    unsigned = await bot.post(json.dumps(payload), "application/json", signed=False)
    assert unsigned.status_code == 401
    assert (await bot.post('{"type": "event_callback", "event": 7}', "application/json")).status_code == 400
    await bot.command("close SUP-1 refunded", "U0ALICE")
    # A reaction: the bot reads the reacted-to message while Slack waits (Bolt's own client for the request).
    reacted = bot.fake.post_user_message("C0ENG", "U0ERIN", "Checkout crashes for ACME since this morning")
    reaction = slack_requests.reaction_added_event(
        channel="C0ENG", ts=reacted.ts, user="U0DAN", reaction="ticket", item_user="U0ERIN"
    )
    assert (await bot.event(reaction)).status_code == 200
    await bot.drain()

    after = await scrape(bot)
    assert value(after, "crossdesk_slack_requests_total", kind="message", status="200") == 3
    assert value(after, "crossdesk_slack_requests_total", kind="reaction_added", status="200") == 1
    assert value(after, "crossdesk_events_deduplicated_total") == 1
    assert value(after, "crossdesk_slack_requests_refused_total", reason="signature") == 1
    assert value(after, "crossdesk_slack_requests_refused_total", reason="malformed") == 1
    assert value(after, "crossdesk_tickets_opened_total", department="SUP") == 1
    assert value(after, "crossdesk_tickets_opened_total", department="ENG") == 2
    assert value(after, "crossdesk_tickets_resolved_total", department="SUP") == 1
    assert value(after, "crossdesk_tickets_resolved_total", department="ENG") == 0
    posted = len([c for c in bot.fake.calls_to("chat.postMessage") if c.ok])
    assert value(after, "crossdesk_outbox_sent_total", method="chat.postMessage") == posted > 0
    # Every Web API call the bot made was timed, by method (auth.test at start, the posts since).
    assert value(after, "crossdesk_slack_api_request_duration_seconds_count", method="chat.postMessage") >= posted
    assert value(after, "crossdesk_slack_api_request_duration_seconds_count", method="auth.test") >= 1
    history = len(bot.fake.calls_to("conversations.history"))
    assert value(after, "crossdesk_slack_api_request_duration_seconds_count", method="conversations.history") == history
    assert history >= 1
    assert value(after, "crossdesk_outbox_backlog") == 0
    assert value(after, "crossdesk_outbox_oldest_age_seconds") == 0


async def test_a_call_while_slack_waits_is_timed_and_gives_up_by_its_deadline(bot: Harness) -> None:
    """The one session of every Slack call allows 10 s; a call made before the answer (through the client Bolt hands
    the listener) still gives up after REQUEST_SLACK_TIMEOUT, so the answer beats Slack's 3 seconds, and is timed."""
    reacted = bot.fake.post_user_message("C0ENG", "U0ERIN", "Checkout crashes for ACME since this morning")
    reaction = slack_requests.reaction_added_event(
        channel="C0ENG", ts=reacted.ts, user="U0DAN", reaction="ticket", item_user="U0ERIN"
    )
    bot.fake.delay_seconds = REQUEST_SLACK_TIMEOUT + 3
    started = time.monotonic()
    answer = await bot.event(reaction)
    took = time.monotonic() - started
    bot.fake.delay_seconds = 0
    assert answer.status_code == 503  # Slack delivers the event again later
    assert REQUEST_SLACK_TIMEOUT <= took < REQUEST_SLACK_TIMEOUT + 1
    after = await scrape(bot)
    name = "crossdesk_slack_api_request_duration_seconds"
    assert value(after, f"{name}_count", method="conversations.history") == 1
    assert value(after, f"{name}_sum", method="conversations.history") >= REQUEST_SLACK_TIMEOUT


async def test_one_session_carries_every_slack_call_and_none_is_traced(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack calls are timed one way (the client) on one aiohttp session, whichever client makes them."""
    opened: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def recording(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        opened.append(session)
        return session

    monkeypatch.setattr(app_module.aiohttp, "ClientSession", recording)
    async with running_bot(database_url, workspace) as bot:
        monkeypatch.undo()
        assert len(opened) == 1
        assert not opened[0].trace_configs
        reacted = bot.fake.post_user_message("C0ENG", "U0ERIN", "Checkout crashes for ACME since this morning")
        reaction = slack_requests.reaction_added_event(
            channel="C0ENG", ts=reacted.ts, user="U0DAN", reaction="ticket", item_user="U0ERIN"
        )
        assert (await bot.event(reaction)).status_code == 200
        await bot.drain()
        after = await scrape(bot)
    assert bot.fake.calls_to("conversations.history")  # made while Slack waited, through Bolt's client
    for method in ("conversations.history", "chat.postMessage"):
        made = len(bot.fake.calls_to(method))
        assert value(after, "crossdesk_slack_api_request_duration_seconds_count", method=method) == made


async def test_outbox_retries_backlog_and_age_of_the_oldest_unsent_message(bot: Harness) -> None:
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    await bot.intake_message("refund please")
    await bot.fake.wait_for_calls("chat.postMessage")
    await bot.settle()
    bot.clock.advance(timedelta(seconds=20))  # not yet due again: the card waits for its Retry-After

    waiting = await scrape(bot)
    assert value(waiting, "crossdesk_outbox_retries_total", method="chat.postMessage") == 1
    assert value(waiting, "crossdesk_outbox_backlog") == await bot.unsent() > 0
    assert value(waiting, "crossdesk_outbox_oldest_age_seconds") == 20

    bot.clock.advance(timedelta(seconds=10))
    await bot.drain()
    done = await scrape(bot)
    assert value(done, "crossdesk_outbox_backlog") == 0
    assert value(done, "crossdesk_outbox_oldest_age_seconds") == 0
    assert value(done, "crossdesk_outbox_retries_total", method="chat.postMessage") == 1


async def test_a_failing_scheduled_job_is_counted(bot: Harness) -> None:
    ticker = bot.bot.ticker
    assert ticker is not None

    async def broken() -> None:
        raise RuntimeError("database blip")

    ticker.jobs["broken"] = broken
    await ticker.tick()
    samples = await scrape(bot)
    assert value(samples, "crossdesk_scheduler_job_failures_total", job="broken") == 1
    assert value(samples, "crossdesk_scheduler_job_failures_total", job="profiles") == 0


async def test_live_senders_and_tickers_are_counted_from_their_heartbeats(bot: Harness) -> None:
    async def live(part: str) -> float:
        return value(await scrape(bot), "crossdesk_live_processes", part=part)

    await bot.sender.heartbeat.beat()
    assert (await live("sender"), await live("ticker")) == (1, 0)  # the ticker has not ticked yet
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    assert await live("ticker") == 1
    # 16 s without a beat (CROSSDESK_DEAD_SENDER_SECONDS is 15): another replica would take this sender's rows over.
    bot.clock.advance(timedelta(seconds=16))
    assert await live("sender") == 0
    await bot.sender.heartbeat.beat()
    assert await live("sender") == 1


def test_scheduler_lag_is_how_late_a_tick_started() -> None:
    metrics = Metrics()
    now = datetime(2026, 11, 30, 2, 0, 5, tzinfo=UTC)
    ticker = Ticker({}, 15.0, metrics, wall_clock=lambda: now)
    planned = now - timedelta(seconds=3)
    ticker.on_submitted(JobSubmissionEvent(EVENT_JOB_SUBMITTED, "crossdesk-tick", "default", [planned]))
    ticker.on_submitted(JobSubmissionEvent(EVENT_JOB_SUBMITTED, "crossdesk-tick", "default", [now]))
    families = {f.name: f for f in text_string_to_metric_families(metrics.render().decode())}
    samples = {s.name: s.value for s in families["crossdesk_scheduler_lag_seconds"].samples if not s.labels}
    assert samples["crossdesk_scheduler_lag_seconds_count"] == 2
    assert samples["crossdesk_scheduler_lag_seconds_sum"] == 3
