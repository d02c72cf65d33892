"""What a card says of linked work (related tickets, the original, duplicates, every requester): valid Block Kit in
both languages, within Slack's limits however much is linked, and the `/ticket link` / `duplicate` parsing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.surfaces.cards import CardData, card_message, ticket_card
from bot.surfaces.commands import ParsedCommand, Subcommand, parse_ticket_command
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import BlockId
from bot.surfaces.limits import CONTEXT_TEXT
from bot.surfaces.link_card import (
    PEOPLE_SHOWN,
    TICKETS_SHOWN,
    LinkedTicket,
    LinkedWork,
    people_text,
    requested_by,
    work_block,
    work_lines,
)
from tests.support.block_kit import assert_message_valid

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = [Translator("en"), Translator("zh")]
CARD = CardData(
    key="SUP-12",
    title="Refund for order 1042 was charged twice",
    department_name="Customer Support 客户支持",
    owner_id="U0ALICE",
    requester_id="U0ERIN",
    priority="high",
    status="open",
    source="message",
    ack_due_at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    resolve_due_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
)
ENG_7 = LinkedTicket("ENG-7", "Engineering 研发", "U0CAROL", "acknowledged")
SUP_14 = LinkedTicket("SUP-14", "Customer Support 客户支持", "U0BOB", "closed")
EXPECTED_LINES = {
    "en": [
        ":link: Duplicates closed into it: *SUP-14* (Customer Support 客户支持, <@U0BOB>, Closed)",
        ":link: Related: *ENG-7* (Engineering 研发, <@U0CAROL>, Acknowledged)",
    ],
    "zh": [
        ":link: 并入此工单的重复工单：*SUP-14*（Customer Support 客户支持，<@U0BOB>，已关闭）",
        ":link: 相关工单：*ENG-7*（Engineering 研发，<@U0CAROL>，已确认）",
    ],
}
EVERYTHING = LinkedWork(related=(ENG_7,), duplicates=(SUP_14,), followers=("U0DAN",), unnamed_followers=1)


def blocks_by_id(card: CardData, translator: Translator) -> dict[str, dict[str, object]]:
    return {str(block["block_id"]): block for block in ticket_card(card, translator, SHANGHAI)}


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_card_with_linked_work_is_valid_and_shows_it_above_who_asked(translator: Translator) -> None:
    card = replace(CARD, links=EVERYTHING)
    message = card_message(card, translator, SHANGHAI)
    assert_message_valid(message)
    assert [block["block_id"] for block in message["blocks"]] == [
        BlockId.CARD_SUMMARY,
        BlockId.CARD_FIELDS,
        BlockId.CARD_LINKS,
        BlockId.CARD_CONTEXT,
        BlockId.CARD_ACTIONS,
    ]
    lines = [element["text"] for element in message["blocks"][2]["elements"]]
    assert lines == EXPECTED_LINES[translator.language]
    context = message["blocks"][3]["elements"][0]["text"]
    assert "<@U0ERIN>" in context and "<@U0DAN>" in context


def test_the_words_of_linked_work_in_english() -> None:
    english = Translator("en")
    work = LinkedWork(duplicate_of=ENG_7)
    assert work_lines(work, english) == [
        ":link: Closed as a duplicate of *ENG-7* (Engineering 研发, <@U0CAROL>, Acknowledged)"
    ]
    assert requested_by("U0ERIN", LinkedWork(), "intake message", english) == "Requested by <@U0ERIN> · intake message"
    assert (
        requested_by("U0ERIN", EVERYTHING, "form", english)
        == "Requested by <@U0ERIN>, <@U0DAN> and 1 more person · form"
    )
    assert people_text(["U0A", "U0B"], 0, english) == "<@U0A> and <@U0B>"
    assert people_text(["U0A"], 2, english) == "<@U0A> and 2 more people"


def test_the_words_of_linked_work_in_chinese() -> None:
    chinese = Translator("zh")
    assert requested_by("U0ERIN", EVERYTHING, "表单", chinese) == "提出人 <@U0ERIN>、<@U0DAN> 和 另外 1 人 · 表单"
    assert work_lines(LinkedWork(related=(ENG_7,)), chinese) == [
        ":link: 相关工单：*ENG-7*（Engineering 研发，<@U0CAROL>，已确认）"
    ]


def test_a_card_without_linked_work_is_the_card_it_always_was() -> None:
    assert work_block(LinkedWork(), Translator("en")) is None
    assert BlockId.CARD_LINKS.value not in blocks_by_id(CARD, Translator("en"))
    # Followers alone are not linked work to list: they show in the "Requested by" line.
    assert not LinkedWork(followers=("U0DAN",))


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_however_much_is_linked_the_card_fits(translator: Translator) -> None:
    many = tuple(LinkedTicket(f"ENG-{n}", "部门" * 100, f"U0PERSON{n}", "acknowledged") for n in range(1, 400))
    crowd = tuple(f"U0FOLLOWER{n}" for n in range(300))
    card = replace(CARD, links=LinkedWork(related=many, duplicates=many, followers=crowd, unnamed_followers=5))
    message = card_message(card, translator, SHANGHAI)
    assert_message_valid(message)
    linked = blocks_by_id(card, translator)[BlockId.CARD_LINKS.value]
    texts = [str(element["text"]) for element in linked["elements"]]  # type: ignore[union-attr]
    assert all(len(text) <= CONTEXT_TEXT for text in texts)
    assert f"*ENG-{TICKETS_SHOWN}*" in texts[0] and f"*ENG-{TICKETS_SHOWN + 1}*" not in texts[0]
    assert translator.t("links.more", count=len(many) - TICKETS_SHOWN) in texts[0]
    context = str(blocks_by_id(card, translator)[BlockId.CARD_CONTEXT.value]["elements"][0]["text"])  # type: ignore[index]
    assert context.count("<@") == PEOPLE_SHOWN
    hidden = 1 + len(crowd) - PEOPLE_SHOWN + 5  # the requester is one of those shown
    assert translator.t("links.more_people", count=hidden) in context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("link SUP-12 eng-7", ParsedCommand(Subcommand.LINK, key="SUP-12", other_key="ENG-7")),
        ("duplicate sup-14 SUP-12", ParsedCommand(Subcommand.DUPLICATE, key="SUP-14", other_key="SUP-12")),
        ("link SUP-12", ParsedCommand(Subcommand.LINK, key="SUP-12", usage_key="usage.link")),
        ("link", ParsedCommand(Subcommand.LINK, usage_key="usage.link")),
        (
            "duplicate SUP-14 SUP-12 SUP-11",
            ParsedCommand(Subcommand.DUPLICATE, key="SUP-14", usage_key="usage.duplicate"),
        ),
        (
            "duplicate SUP-14 twelve",
            ParsedCommand(Subcommand.DUPLICATE, key="SUP-14", text="twelve", usage_key="error.bad_key"),
        ),
        ("link twelve SUP-12", ParsedCommand(Subcommand.LINK, text="twelve", usage_key="error.bad_key")),
    ],
)
def test_link_and_duplicate_take_two_keys(text: str, expected: ParsedCommand) -> None:
    assert parse_ticket_command(text) == expected
