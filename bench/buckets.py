"""Where a message's CPU goes: py-spy's collapsed stacks (``--profile DIR``) sorted into the stages of a new ticket.

``python -m bench.buckets DIR/530/sqlite.collapsed DIR/530/work_floor.collapsed`` prints, for each file, its
samples and each stage's share. A sample goes to the first stage (in the order of ``STAGES``) one of whose names
appears in its stack; py-spy loses the callers of coroutines resumed by the event loop, so a stage is recognised by
any frame of its own, not by its root. Shares of the same rate's files compare the bot with the work floor.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("checkpoint thread", ("WalCheckpointer",)),
    ("opening: batch written and committed", ("TicketOpener", "GroupCommit")),
    ("sender: outcomes, leases, claims", ("WaitingOutcomes", "outbox/outcomes.py", "OutboxSender._hold", "send_due")),
    ("sender: payload rendered", ("outbox/payloads.py", "card_payload", "surfaces/cards.py", "tickets/notices.py")),
    (
        "Slack calls (slack_sdk, aiohttp client)",
        ("SlackCalls", "TimedWebClient", "AsyncBaseClient", "async_internal_utils", "aiohttp/client", "client_proto"),
    ),
    ("sender: the rest", ("OutboxSender", "Delivery")),
    # Statements and commits whose caller py-spy lost inside SQLAlchemy's greenlet: the opening's, mostly.
    ("database: statements, commits (caller lost)", ("_sqlite_inline", "sqlalchemy/", "(storage/")),
    ("request: server, Bolt, listeners", ("slack_bolt", "handlers/", "runtime/server", "web_protocol", "aiohttp/web")),
    ("work floor: its calls", ("WorkFloor",)),
)
OTHER = "event loop, sockets, other"


def stage_of(stack: str) -> str:
    for name, marks in STAGES:
        if any(mark in stack for mark in marks):
            return name
    return OTHER


def shares(path: Path) -> tuple[int, dict[str, float]]:
    """Samples in ``path`` and each stage's share of them, largest first."""
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[stage_of(stack)] += int(count)
    total = sum(counts.values())
    return total, {name: round(n / total, 3) for name, n in counts.most_common()} if total else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.buckets", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="py-spy collapsed stacks (--format raw)")
    for path in parser.parse_args(argv).files:
        total, by_stage = shares(path)
        print(f"{path}: {total} samples")
        for name, share in by_stage.items():
            print(f"  {share:6.1%}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
