"""The rate gate: which calls share a limit after Slack's 429, and when it opens again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.outbox.rate_gate import RateGate, limit_of

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_posts_share_a_limit_per_channel_and_other_methods_share_one_everywhere() -> None:
    assert limit_of("chat.postMessage", "C1") == ("chat.postMessage", "C1")
    assert limit_of("chat.postEphemeral", "C1") == ("chat.postEphemeral", "C1")
    assert limit_of("chat.update", "C1") == ("chat.update", None)
    assert limit_of("views.publish", None) == ("views.publish", None)


def test_a_closed_channel_holds_its_posts_only_until_retry_after() -> None:
    gate = RateGate()
    assert gate.opens_at("chat.postMessage", "C1", NOW) is None
    gate.close("chat.postMessage", "C1", NOW + timedelta(seconds=30))
    assert gate.opens_at("chat.postMessage", "C1", NOW) == NOW + timedelta(seconds=30)
    assert gate.opens_at("chat.postMessage", "C2", NOW) is None  # another channel
    assert gate.opens_at("chat.update", "C1", NOW) is None  # another method
    assert gate.opens_at("chat.postMessage", "C1", NOW + timedelta(seconds=30)) is None
    assert len(gate) == 0  # forgotten once open


def test_a_method_limit_holds_it_in_every_channel() -> None:
    gate = RateGate()
    gate.close("chat.update", "C1", NOW + timedelta(seconds=5))
    assert gate.opens_at("chat.update", "C9", NOW) == NOW + timedelta(seconds=5)


def test_a_shorter_retry_after_never_opens_a_limit_early() -> None:
    gate = RateGate()
    gate.close("chat.postMessage", "C1", NOW + timedelta(seconds=60))
    gate.close("chat.postMessage", "C1", NOW + timedelta(seconds=2))
    assert gate.opens_at("chat.postMessage", "C1", NOW + timedelta(seconds=10)) == NOW + timedelta(seconds=60)
