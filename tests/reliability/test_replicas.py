"""Three ``crossdesk run`` replicas on one PostgreSQL behind a round-robin "load balancer": nothing lost, nothing
done twice — tickets, outbox messages, reminders, the digest — even when one replica is SIGKILLed under load."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrate import upgrade
from tests.conftest import fresh_database_url
from tests.reliability import cluster
from tests.reliability.report import SuiteReport, is_full, scaled

pytestmark = pytest.mark.postgres


@pytest.fixture
async def postgres_url(tmp_path: Path) -> AsyncIterator[str]:
    async for url in fresh_database_url("postgres", tmp_path):
        yield url


async def test_three_replicas_lose_nothing_and_do_nothing_twice(postgres_url: str, tmp_path: Path) -> None:
    rate = scaled(short=8.0, full=12.0)
    seconds = scaled(short=12.0, full=60.0)
    config_path = tmp_path / "crossdesk.yaml"
    config = cluster.write_fast_workspace(config_path)
    db = Database(postgres_url)
    await upgrade(db)  # the replicas would migrate too (one at a time, under an advisory lock); this is quicker
    await cluster.running_since_yesterday(db)
    report = SuiteReport("replicas", "Three replicas on one PostgreSQL, one killed with SIGKILL under load")
    replicas: list[cluster.Replica] = []
    try:
        async with cluster.fake_slack(config) as slack:
            fake = slack.workspace
            # A little latency at Slack keeps rows in flight, so the SIGKILL catches some mid-send.
            fake.delay_seconds = 0.05
            replicas = list(
                await asyncio.gather(
                    *(
                        cluster.start_replica(
                            f"replica-{n}",
                            database_url=postgres_url,
                            slack_url=slack.url,
                            config_path=config_path,
                            workdir=tmp_path,
                        )
                        for n in (1, 2, 3)
                    )
                )
            )
            await asyncio.gather(*(cluster.wait_healthy(r) for r in replicas))
            load = cluster.LoadClient(replicas, fake)
            victim = replicas[1]
            killed_at: list[float] = []

            def kill_halfway(index: int, total: int) -> None:
                # Slack turns slow for a moment first, so each sender has calls in flight when the kill comes:
                # the fake still completes the victim's (it posts, nobody records) — the narrow window.
                if index == max(0, total // 2 - int(rate * 1.5)):
                    fake.delay_seconds = 1.0
                if index == total // 2 and not killed_at:
                    victim.kill()
                    killed_at.append(time.monotonic())
                    fake.delay_seconds = 0.05

            try:
                held = await load.run(rate, seconds, on_progress=kill_halfway)
            finally:
                await load.close()
            await victim.process.wait()
            # The victim's leased rows come back when the lease (10 s here) runs out; the others send them.
            drain_seconds = await cluster.wait_drained(db, timeout=scaled(short=90.0, full=180.0))
            # Let reminders run a few rounds on the survivors (the first reminder comes 3 s after a ticket opens).
            await asyncio.sleep(scaled(short=12.0, full=25.0))
            assert await cluster.wait_drained(db, timeout=90.0) >= 0, "the outbox did not drain"

            found = await cluster.tickets(db)
            by_origin, by_marker = cluster.ticket_markers(found)
            audit = await cluster.audit_outbox(db, fake)
            steps = await cluster.reminder_steps(db)
            digests = [
                m for m in fake.messages_in(cluster.DIGEST_CHANNEL) if m.user == fake.bot_user_id and not m.files
            ]
            charts = [c for c in fake.calls_to("files.completeUploadExternal") if c.ok]
            # The digest's pictures (with the example file's goals: the scorecard and the 7-day chart), each once.
            pictures = [f["title"] for c in charts for f in json.loads(c.args["files"])]

            acked_messages = load.acknowledged("message") | load.acknowledged("reaction")
            acked_commands = load.acknowledged("command")
            missing_events = sorted(ts for ts in acked_messages if by_origin[ts] == 0)
            missing_commands = sorted(m for m in acked_commands if by_marker[m] == 0)
            twice = [ts for ts, n in by_origin.items() if n > 1] + [m for m, n in by_marker.items() if n > 1]
            keys = [t.key for t in found]
            median, p99, slowest = load.ack_figures()
            victim_answered = sum(1 for d in load.deliveries if d.replica == victim.name and d.acknowledged)
            lost = audit.lost + len(missing_events) + len(missing_commands)
            duplicated = audit.duplicated + len(twice) + len(keys) - len(set(keys))
            duplicated += sum(n - 1 for n in steps.values() if n > 1) + max(0, len(digests) - 1)
            duplicated += len(pictures) - len(set(pictures))

            report.add("replicas", "3 × `crossdesk run` (HTTP mode), one PostgreSQL, one fake Slack")
            report.add("load held", f"{held:.1f} events/s for {seconds:.0f} s ({len(load.deliveries)} requests)")
            report.add("Slack retries sent to another replica", sum(1 for d in load.deliveries if d.retry_num))
            report.add("replica killed with SIGKILL", f"{victim.name}, halfway through the load")
            report.add("requests acknowledged by the killed replica", victim_answered)
            report.add("tickets opened", f"{len(found)} (keys unique: {len(keys) == len(set(keys))})")
            report.add("outbox messages sent (posts matched by metadata)", f"{audit.rows} ({audit.posts} posts)")
            once = all(n == 1 for n in steps.values())
            report.add("reminders (ticket, step) recorded", f"{len(steps)}, each once: {once}")
            report.add("digests posted", f"{len(digests)} message(s), {len(pictures)} picture(s)")
            report.add("outbox drained, after the load ended", f"in {drain_seconds:.1f} s (lease 10 s)")
            looks = [
                c
                for c in fake.calls_to("conversations.history") + fake.calls_to("conversations.replies")
                if c.args.get("include_all_metadata") in (True, "1", "true")
            ]
            report.add("rows taken over after the kill and looked up in Slack first", len(looks))
            report.add("acknowledgement time (median / p99 / max)", f"{median:.3f} / {p99:.3f} / {slowest:.3f} s")
            report.add("answers later than Slack's 3 s", len(load.late()))
            report.add("scale", "full" if is_full() else "short")
            report.count(lost=lost, duplicated=duplicated)
            report.write()

            assert killed_at, "the replica was never killed"
            assert victim_answered > 0, "the killed replica acknowledged nothing, so the kill proved nothing"
            assert found and len(keys) == len(set(keys))
            assert not missing_events, f"acknowledged events without a ticket: {missing_events[:5]}"
            assert not missing_commands, f"acknowledged commands without a ticket: {missing_commands[:5]}"
            assert not twice, f"opened twice: {twice[:5]}"
            assert audit.lost == audit.duplicated == 0, audit.problems[:10]
            assert steps and all(n == 1 for n in steps.values()), "a reminder step was recorded twice"
            assert len(digests) == 1 and pictures and len(pictures) == len(set(pictures)), (len(digests), pictures)
            assert not load.late(), [(d.kind, d.replica) for d in load.late()][:5]
    finally:
        await cluster.stop_replicas(replicas)
        with contextlib.suppress(Exception):
            await db.dispose()
        for replica in replicas:
            print(f"--- {replica.name}\n{replica.log_tail(15)}")
