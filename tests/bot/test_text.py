from __future__ import annotations

import pytest

from bot.text import message_link, neutralise_broadcasts, to_plain


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<!channel> refund now", "＠channel refund now"),
        ("<!here|here> ping", "＠here ping"),
        ("<!everyone>", "＠everyone"),
        ("<!subteam^S0123|@support> help", "＠support help"),
        ("typed @here and @channel, mailed x@here.com", "typed ＠here and ＠channel, mailed x@here.com"),
        ("<!date^1392734382^{date}|Feb 18>", "Feb 18"),
        ("ask <@U0ALICE> first", "ask <@U0ALICE> first"),
    ],
)
def test_broadcasts_are_neutralised(raw: str, safe: str) -> None:
    assert neutralise_broadcasts(raw) == safe
    assert "<!" not in neutralise_broadcasts(raw)
    assert neutralise_broadcasts(safe) == safe


def test_to_plain_keeps_link_labels_and_mentions() -> None:
    assert to_plain("see <https://example.com/a|the doc> and <https://x.io> by <@U0BOB|bob>") == (
        "see the doc and https://x.io by <@U0BOB>"
    )


def test_message_link() -> None:
    assert message_link("https://acme.slack.com/", "C1", "1700000000.000100") == (
        "https://acme.slack.com/archives/C1/p1700000000000100"
    )
    assert message_link("https://acme.slack.com", "C1", "1700000001.000200", "1700000000.000100") == (
        "https://acme.slack.com/archives/C1/p1700000001000200?thread_ts=1700000000.000100&cid=C1"
    )
