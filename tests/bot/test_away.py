"""Whether a person is away by their Slack status: emoji exactly, texts anywhere in any case, until it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.people.away import away_among, is_away, status_means_away
from bot.people.groups import status_end
from config.away import DEFAULT_AWAY_STATUSES
from storage.directory import OwnerProfile

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_emoji_match_exactly_and_texts_anywhere_in_any_case() -> None:
    statuses = list(DEFAULT_AWAY_STATUSES)
    assert status_means_away(":palm_tree:", None, statuses)
    assert not status_means_away(":palm_tree_2:", "", statuses)
    assert status_means_away("", "ooo until Monday", statuses)
    assert status_means_away(None, "On VACATION", statuses)
    assert status_means_away(":calendar:", "今天请假", statuses)
    assert not status_means_away(":coffee:", "lunch", statuses)
    assert not status_means_away(":palm_tree:", "", [])  # away_statuses: [] turns it off


def test_a_status_counts_until_it_ends_and_saying_away_always_counts() -> None:
    statuses = list(DEFAULT_AWAY_STATUSES)
    ending = OwnerProfile(False, None, ":airplane:", "", NOW + timedelta(hours=1))
    assert is_away(ending, statuses, NOW)
    assert not is_away(ending, statuses, NOW + timedelta(hours=1))
    forever = OwnerProfile(False, None, ":airplane:", "", None)
    assert is_away(forever, statuses, NOW + timedelta(days=365))
    said = OwnerProfile(True, None)
    assert away_among({"U0A": said, "U0B": OwnerProfile(False, None), "U0C": forever}, statuses, NOW) == {"U0A", "U0C"}


def test_slack_expiration_zero_means_no_end() -> None:
    assert status_end(0) is None and status_end(None) is None and status_end("soon") is None
    assert status_end(int(NOW.timestamp())) == NOW
