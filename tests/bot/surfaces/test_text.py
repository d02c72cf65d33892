from __future__ import annotations

import pytest

from bot.surfaces.text import (
    clip,
    escape,
    mentioned_users,
    message_link,
    neutralise_broadcasts,
    to_plain,
    unescape,
    without_links,
)


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


def test_to_plain_reads_as_people_read_it() -> None:
    assert to_plain("see <https://example.com/a|the doc> and <https://x.io> by <@U0BOB|bob>") == (
        "see the doc (https://example.com/a) and https://x.io by @bob"
    )
    names = {"U0BOB": "Bob Li"}
    assert to_plain("ask <@U0BOB> in <#C0SUP|support> or <#C0ENG>", names) == "ask @Bob Li in #support or #C0ENG"
    assert to_plain("ask <@U0CAROL>", names) == "ask @U0CAROL"  # no name known: the id, never markup
    assert to_plain("<mailto:a@b.io|a@b.io> <https://x.io/|x.io> <tel:123|call>") == "a@b.io x.io call (tel:123)"
    assert to_plain("<!here> <!subteam^S1|@team> <!date^1^{date}|Feb 18> @channel") == "＠here ＠team Feb 18 ＠channel"


def test_to_plain_undoes_the_escapes_last() -> None:
    assert to_plain("Q&amp;A &lt;b&gt; &amp;lt;") == "Q&A <b> &lt;"
    # What someone typed stays what they typed: escaped markup is not markup.
    assert to_plain(escape("<https://evil.example|Confirm> & <@U0BOB>")) == "<https://evil.example|Confirm> & <@U0BOB>"
    assert to_plain("&copy &not;") == "&copy &not;"  # Slack escapes only three characters
    assert to_plain("*SUP-1* is *yours*", emphasis=False) == "SUP-1 is yours"
    assert to_plain("2*3*4 stays") == "2*3*4 stays"


@pytest.mark.parametrize(
    "typed", ["a < b & c > d", "<https://evil.example/phish|Confirm resolution>", "<@U0BOB> <!here>", "&amp; &lt;", ""]
)
def test_escape_and_unescape_are_inverse(typed: str) -> None:
    escaped = escape(typed)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == typed
    assert to_plain(escaped) == typed.replace("@here", "＠here")


def test_without_links_keeps_slack_text() -> None:
    assert without_links("R&amp;D: <https://x.io|the &amp; doc> for <@U0BOB|bob> <!here>") == (
        "R&amp;D: the &amp; doc for <@U0BOB> ＠here"
    )


def test_mentioned_users_lists_those_without_a_name_once() -> None:
    assert mentioned_users("<@U0BOB> <@W0ANN> <@U0BOB> <@U0CAROL|carol> &lt;@U0EVE&gt;") == ["U0BOB", "W0ANN"]


def test_clip_never_leaves_half_an_escape_or_markup() -> None:
    assert clip("a &amp; b", 4) == "a "
    assert clip("a &amp; b", 6) == "a "
    assert clip("a &amp; b", 7) == "a &amp;"
    assert clip("hi <@U0BOB> there", 8) == "hi "
    assert clip("short", 10) == "short"


def test_message_link() -> None:
    assert message_link("https://acme.slack.com/", "C1", "1700000000.000100") == (
        "https://acme.slack.com/archives/C1/p1700000000000100"
    )
    assert message_link("https://acme.slack.com", "C1", "1700000001.000200", "1700000000.000100") == (
        "https://acme.slack.com/archives/C1/p1700000001000200?thread_ts=1700000000.000100&cid=C1"
    )
