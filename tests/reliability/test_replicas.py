"""Three ``crossdesk run`` replicas on one PostgreSQL behind a round-robin "load balancer", under load and Slack
faults: one replica is SIGKILLed (and a new one started, as an orchestrator would), then every replica in turn is
restarted with SIGTERM (a rolling restart). Nothing is lost and nothing done twice — tickets, outbox messages,
reminders, the digest; the killed replica's messages go out once its heartbeat is older than the limit, not when
their lease runs out; a stopping replica exits within its bound; and each person gets one reminder DM per tick."""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.runtime.app import STOP_WITHIN
from storage.database import Database
from storage.migrate import upgrade
from tests.conftest import fresh_database_url
from tests.reliability import cluster
from tests.reliability.report import SuiteReport, is_full, scaled

pytestmark = pytest.mark.postgres

TICK_SECONDS = 1.0  # CROSSDESK_TICK_SECONDS of every replica (cluster.start_replica)
DEAD_SENDER_SECONDS = 15.0  # CROSSDESK_DEAD_SENDER_SECONDS' default
LATE_COMMIT_SECONDS = 5.0  # longer than any tick's transaction takes, even on a busy box
# The defaults: what brings a killed replica's messages back must be its heartbeat, not the five-minute lease.
REPLICA_ENV = {"CROSSDESK_OUTBOX_LEASE_SECONDS": "300", "CROSSDESK_DEAD_SENDER_SECONDS": str(int(DEAD_SENDER_SECONDS))}

ABOUT = """\
Three `crossdesk run` replicas (defaults: heartbeat limit 15 s, lease 300 s) behind a round-robin client that sends
Slack-signed messages, reactions and `/ticket` commands at the rate shown, and Slack's retries to another replica.
Slack misbehaves along the way (429s, posts it makes but answers 500, 503s on updates, every call 1 s late just
before the kill). A quarter in, one replica is SIGKILLed and a new one started; halfway, a rolling restart sends
SIGTERM to one replica at a time, each replaced and healthy before the next. Then the outbox drains and reminders
run a few more ticks. **Lost**: an acknowledged event or command without its ticket, a queued message not in Slack,
a request no replica ever acknowledged. **Duplicated**: a ticket opened twice, a message in Slack twice, a reminder
step recorded twice, a second digest or picture. **Wait after the kill**: for each post shown in Slack after the
kill, seconds from being queued to appearing (median / max; it counts Slack's faults and retries too). **Posts the
killed replica held**: its leased rows when it died, seconds from the kill to appearing in Slack (they wait for its
heartbeat to age past the limit, not for their lease). **Reminder DMs per person per tick**: the most any one
person was sent in one tick, across all replicas (one means one voice). **Acknowledgement**: seconds from sending a
request to its answer (Slack gives 3 s). At full scale waits and answer times also measure how busy the machine is:
they are reported, not asserted."""


@pytest.fixture
async def postgres_url(tmp_path: Path) -> AsyncIterator[str]:
    async for url in fresh_database_url("postgres", tmp_path):
        yield url


def _seconds(values: list[float]) -> str:
    if not values:
        return "none"
    return f"{statistics.median(values):.1f} / {max(values):.1f} s over {len(values)} messages"


async def test_three_replicas_survive_a_kill_and_a_rolling_restart_under_load(
    postgres_url: str, tmp_path: Path
) -> None:
    rate = scaled(short=8.0, full=100.0)
    seconds = scaled(short=20.0, full=60.0)
    restarts = scaled(short=1, full=3)  # how many replicas the rolling restart goes through
    config_path = tmp_path / "crossdesk.yaml"
    # Reminders every 30 s: the lead is told (the third reminder) within the run, and every person is reminded often.
    config = cluster.write_fast_workspace(config_path, repeat_every="30s")
    db = Database(postgres_url)
    await upgrade(db)  # the replicas would migrate too (one at a time, under an advisory lock); this is quicker
    await cluster.running_since_yesterday(db)
    report = SuiteReport(
        "replicas",
        "Three replicas on one PostgreSQL under load: one killed with SIGKILL, then a rolling restart",
        about=ABOUT,
    )
    started: list[cluster.Replica] = []
    try:
        async with cluster.fake_slack(config) as slack:
            fake = slack.workspace
            # A little latency at Slack keeps rows in flight, so the SIGKILL and the SIGTERMs catch some mid-send.
            fake.delay_seconds = 0.05

            async def launch(name: str) -> cluster.Replica:
                replica = await cluster.start_replica(
                    name,
                    database_url=postgres_url,
                    slack_url=slack.url,
                    config_path=config_path,
                    workdir=tmp_path,
                    extra_env=REPLICA_ENV,
                )
                started.append(replica)
                return replica

            replicas = list(await asyncio.gather(*(launch(f"replica-{n}") for n in (1, 2, 3))))
            await asyncio.gather(*(cluster.wait_healthy(r) for r in replicas))
            load = cluster.LoadClient(replicas, fake)  # the same list: a replica replaced there gets the traffic
            moments: dict[str, float] = {}
            victims: list[str] = []
            orphans: set[int] = set()  # outbox rows the killed replica held when it died
            exits: list[tuple[str, float, int | None]] = []  # (replica, seconds from SIGTERM to exit, exit code)
            background: list[asyncio.Task[None]] = []

            async def kill_and_replace(index: int) -> None:
                victim = replicas[index]
                victim.kill()
                moments["kill"] = time.time()
                victims.append(victim.name)
                orphans.update(await cluster.held_by(db, victim.process.pid))
                fake.delay_seconds = 0.05
                await victim.process.wait()
                replacement = await launch(f"{victim.name}-new")
                await cluster.wait_healthy(replacement)
                replicas[index] = replacement

            async def rolling_restart() -> None:
                moments["restart"] = time.time()
                for index in range(restarts):
                    old = replicas[index]
                    told = time.monotonic()
                    old.process.terminate()
                    code = await old.process.wait()
                    exits.append((old.name, time.monotonic() - told, code))
                    new = await launch(f"{old.name}-restarted")
                    await cluster.wait_healthy(new)
                    replicas[index] = new
                moments["restarted"] = time.time()

            def script(index: int, total: int) -> None:
                """What happens to Slack and to the replicas as the load goes by."""
                if index == total // 10:
                    fake.fail_next("chat.postMessage", status=429, retry_after=1, times=scaled(short=5, full=30))
                # Slack turns slow for a moment first, so each sender has calls in flight when the kill comes:
                # the fake still completes the victim's (it posts, nobody records) — the narrow window.
                if index == max(0, total // 4 - int(rate * 1.5)):
                    fake.delay_seconds = 1.0
                if index == total // 4:
                    background.append(asyncio.get_running_loop().create_task(kill_and_replace(1)))
                if index == total * 2 // 5:  # Slack posts, then answers 500: the retry must look before posting
                    fake.fail_next("chat.postMessage", status=500, times=scaled(short=3, full=20), after_doing_it=True)
                if index == total // 2:
                    background.append(asyncio.get_running_loop().create_task(rolling_restart()))
                if index == total * 7 // 10:
                    fake.fail_next("chat.update", status=503, times=scaled(short=3, full=20))

            try:
                held = await load.run(rate, seconds, on_progress=script)
                await asyncio.gather(*background)
                for _ in range(3):  # Slack's later retries of what no replica acknowledged
                    if not await load.redeliver():
                        break
            finally:
                await load.close()
            load_ended = time.time()
            drain_seconds = await cluster.wait_drained(db, timeout=scaled(short=90.0, full=240.0))
            # Let reminders run a few rounds on the survivors (the first comes 3 s after a ticket opens).
            await asyncio.sleep(scaled(short=8.0, full=20.0))
            assert await cluster.wait_drained(db, timeout=120.0) >= 0, "the outbox did not drain"
            drained_at = datetime.now(UTC)  # what is queued from now on may still be on its way when the audit reads
            # A tick that began before that moment stamps its rows with its start but may commit after the outbox was
            # seen empty (a full-scale run once caught 418 reminder rows so): give it time to commit, then wait for
            # what it queued to be sent as well.
            await asyncio.sleep(LATE_COMMIT_SECONDS)
            assert await cluster.wait_drained(db, timeout=120.0) >= 0, "the outbox did not drain"

            found = await cluster.tickets(db)
            by_origin, by_marker = cluster.ticket_markers(found)
            audit = await cluster.audit_outbox(db, fake, queued_before=drained_at)
            steps = await cluster.reminder_steps(db)
            per_tick = await cluster.reminder_dms_per_tick(db, TICK_SECONDS)
            after_kill = await cluster.message_waits(db, fake, moments["kill"])
            during_restart = await cluster.message_waits(db, fake, moments["restart"], load_ended)
            orphaned = cluster.waits_from(fake, orphans, moments["kill"])
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
            victim_answered = sum(1 for d in load.deliveries if d.replica in victims and d.acknowledged)
            stopping = {name for name, _, _ in exits}
            refused = [d for d in load.deliveries if d.replica in stopping and d.status == 503]
            lost = audit.lost + len(missing_events) + len(missing_commands) + len(load.undelivered)
            duplicated = audit.duplicated + len(twice) + len(keys) - len(set(keys))
            duplicated += sum(n - 1 for n in steps.values() if n > 1) + max(0, len(digests) - 1)
            duplicated += len(pictures) - len(set(pictures))
            loudest = max(per_tick.values(), default=0)

            report.add("replicas", "3 × `crossdesk run` (HTTP mode), one PostgreSQL, one fake Slack")
            report.add("load held", f"{held:.1f} events/s for {seconds:.0f} s ({len(load.deliveries)} requests)")
            report.add("Slack retries sent to another replica", sum(1 for d in load.deliveries if d.retry_num))
            report.add(
                "Slack faults",
                "429 on posts, posts answered 500 after Slack made them, 503 on updates, every call 1 s late "
                "around the kill",
            )
            report.add("replica killed with SIGKILL", f"{', '.join(victims)}, a quarter into the load")
            report.add("requests acknowledged by the killed replica", victim_answered)
            report.add(
                "rolling restart (SIGTERM, then a new process), halfway",
                f"{len(exits)} replica(s), one at a time; exited in "
                + ", ".join(f"{s:.1f} s (code {c})" for _, s, c in exits)
                + f" (bound {STOP_WITHIN:.0f} s)",
            )
            report.add("requests answered 503 by a stopping replica (delivered again elsewhere)", len(refused))
            report.add("tickets opened", f"{len(found)} (keys unique: {len(keys) == len(set(keys))})")
            report.add("outbox messages sent (posts matched by metadata)", f"{audit.rows} ({audit.posts} posts)")
            report.add(
                "wait of each message shown after the kill, queued to in Slack (median / max)", _seconds(after_kill)
            )
            report.add("… after the rolling restart began (median / max)", _seconds(during_restart))
            report.add(
                f"posts the killed replica held ({len(orphans)} rows), from the kill to in Slack (median / max)",
                _seconds(orphaned),
            )
            report.add(
                "heartbeat limit (CROSSDESK_DEAD_SENDER_SECONDS) / lease", f"{DEAD_SENDER_SECONDS:.0f} s / 300 s"
            )
            once = all(n == 1 for n in steps.values())
            report.add("reminders (ticket, step) recorded", f"{len(steps)}, each once: {once}")
            report.add(
                "reminder DMs per person per tick (max)",
                f"{loudest} ({sum(per_tick.values())} reminder DMs, tick {TICK_SECONDS:.0f} s)",
            )
            report.add("digests posted", f"{len(digests)} message(s), {len(pictures)} picture(s)")
            report.add("outbox drained, after the load ended", f"in {drain_seconds:.1f} s")
            looks = [
                c
                for c in fake.calls_to("conversations.history") + fake.calls_to("conversations.replies")
                if c.args.get("include_all_metadata") in (True, "1", "true")
            ]
            report.add(
                "rows taken over (or retried after an uncertain answer) and looked up in Slack first", len(looks)
            )
            report.add("acknowledgement time (median / p99 / max)", f"{median:.3f} / {p99:.3f} / {slowest:.3f} s")
            report.add("answers later than Slack's 3 s (delivered again by Slack)", len(load.late()))
            report.add("scale", "full" if is_full() else "short")
            report.count(lost=lost, duplicated=duplicated)
            report.write()

            assert victims, "the replica was never killed"
            assert victim_answered > 0, "the killed replica acknowledged nothing, so the kill proved nothing"
            assert len(exits) == restarts and all(code == 0 for _, _, code in exits), exits
            assert all(took < STOP_WITHIN + 3 for _, took, _ in exits), exits  # + Python's own exit, on a busy box
            assert found and len(keys) == len(set(keys))
            assert not load.undelivered, f"events never acknowledged: {list(load.undelivered)[:5]}"
            assert not missing_events, f"acknowledged events without a ticket: {missing_events[:5]}"
            assert not missing_commands, f"acknowledged commands without a ticket: {missing_commands[:5]}"
            assert not twice, f"opened twice: {twice[:5]}"
            assert audit.lost == audit.duplicated == 0, audit.problems[:10]
            assert steps and all(n == 1 for n in steps.values()), "a reminder step was recorded twice"
            assert loudest == 1, [k for k, n in per_tick.items() if n > 1][:5]
            assert len(digests) == 1 and pictures and len(pictures) == len(set(pictures)), (len(digests), pictures)
            assert after_kill, "no message went out after the kill"
            if not is_full():
                # The killed replica's messages came back with its heartbeat (the issue: ~20 s; seen: 17 s), far
                # sooner than its 300 s lease; twice the limit leaves room for a busy box. At full scale, waits and
                # answer times also measure how far a shared 2-core box is behind: reported only.
                assert max(after_kill) < 2 * DEAD_SENDER_SECONDS, _seconds(after_kill)
                assert max(orphaned, default=0.0) < 2 * DEAD_SENDER_SECONDS, _seconds(orphaned)
                assert not load.late(), [(d.kind, d.replica) for d in load.late()][:5]
    finally:
        await cluster.stop_replicas(started)
        with contextlib.suppress(Exception):
            await db.dispose()
        for replica in started:
            print(f"--- {replica.name}\n{replica.log_tail(15)}")
