"""``GET /metrics`` over real HTTP, after real traffic: each figure moves when, and only when, it should."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime.metrics import Metrics, api_method
from bot.sandbox import slack_requests
from bot.schedule.ticker import Ticker
from tests.support.harness import Harness


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


def test_api_method_labels_stay_few() -> None:
    assert api_method("http://127.0.0.1:9/api/chat.postMessage") == "chat.postMessage"
    assert api_method("https://slack.com/api/files.completeUploadExternal") == "files.completeUploadExternal"
    assert api_method("https://files.slack.com/upload/v1/CwABAAAAXg") == "upload"
