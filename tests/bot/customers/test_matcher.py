"""The matcher that links a ticket to the customer its text names: whole words for Latin names, anywhere for
Chinese, case and width folded, the first name in the text (and the longest there) wins."""

from __future__ import annotations

import pytest

from bot.customers.matcher import NameMatcher

ACME, ACME_GROUP, DADI, GLOBEX = 1, 2, 3, 4


@pytest.fixture
def matcher() -> NameMatcher:
    return NameMatcher(
        [
            ("acme", ACME),
            ("ACME Corp", ACME),
            ("艾克米", ACME),
            ("acme group", ACME_GROUP),
            ("大地物流", DADI),
            ("大地", DADI),
            ("Dadi Logistics", DADI),
            ("globex", GLOBEX),
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ACME says the invoice is wrong", ACME),
        ("Refund for acme's order", ACME),
        ("ＡＣＭＥ 退款", ACME),  # full-width letters
        ("客户艾克米投诉发票有误", ACME),  # Chinese, inside a sentence with no spaces
        ("ACME公司的发票", ACME),  # a Latin name right before Chinese text is a whole word
        ("acme group wants a quote", ACME_GROUP),  # the longest name at the place wins
        ("ACME  Group wants a quote", ACME_GROUP),  # spacing does not count
        ("大地物流的合同", DADI),
        ("globex, then acme", GLOBEX),  # the first named wins
        ("艾克米 and globex", ACME),
        ("acmeville wants a refund", None),  # not a whole word
        ("the academy", None),
        ("macme", None),
        ("nothing here", None),
        ("", None),
    ],
)
def test_the_first_customer_named_is_found(matcher: NameMatcher, text: str, expected: int | None) -> None:
    assert matcher.find(text) == expected


def test_names_come_and_go_without_rebuilding(matcher: NameMatcher) -> None:
    assert len(matcher) == 8
    matcher.remove("acme", ACME)
    assert matcher.find("acme says hi") is None and matcher.find("ACME Corp says hi") == ACME
    matcher.add("Initech", 5)
    matcher.add("Hooli中国", 6)  # a name that starts Latin and goes on in Chinese matches anywhere
    matcher.add("Pied Piper Inc.", 7)  # found without its full stop, which ends no word
    assert matcher.find("an Initech ticket") == 5
    assert matcher.find("关于hooli中国的合同") == 6
    assert matcher.find("pied piper inc, again") == 7
    assert NameMatcher().find("acme") is None


def test_a_large_index_finds_in_a_long_text_quickly(matcher: NameMatcher) -> None:
    big = NameMatcher([(f"customer {n}", n) for n in range(100_000)] + [(f"客户{n}号", n) for n in range(100_000)])
    text = "lorem ipsum dolor " * 150 + "about customer 99999 and 客户7号"
    assert big.find(text) == 99999
    assert big.find("客户7号 says customer 5") == 7
