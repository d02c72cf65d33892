from __future__ import annotations

import pytest

from bot.tickets.routing import is_complaint, pick_owner, route, split_priority, title_from_text
from config.schema import DEFAULT_COMPLAINT_KEYWORDS, WorkspaceConfig


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("Customer wants a REFUND for order 42", "SUP"),
        ("refunds are late", "SUP"),
        ("客户投诉：订单未发货", "SUP"),
        ("需要退款", "SUP"),
        ("ＲＥＦＵＮＤ please", "SUP"),  # full-width letters
        ("The app shows an Error on login", "ENG"),
        ("系统故障，无法登录", "ENG"),
        ("Can we get a quote for 50 seats?", "SALES"),
        ("请提供报价", "SALES"),
        ("Need help with something unusual", "SUP"),  # no keyword: the triage department
        ("I had to debug this myself", "SUP"),  # "bug" must start a word
    ],
)
def test_route(text: str, department: str, workspace: WorkspaceConfig) -> None:
    assert route(text, workspace) == department


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("客户投诉：退款一直没有到账", True),
        ("这是一个客诉，请尽快处理", True),
        ("COMPLAINT from ACME about the invoice", True),
        ("The customer complained twice", True),  # "complain" starts the word
        ("Ｃｏｍｐｌａｉｎｔ in full-width letters", True),
        ("Refund for order 42", False),
        ("uncomplaining customer, just a question", False),  # inside a word is not a match
    ],
)
def test_complaint_keywords_match_case_insensitively_and_chinese_anywhere(text: str, complaint: bool) -> None:
    assert is_complaint(text, DEFAULT_COMPLAINT_KEYWORDS) is complaint


def test_no_complaint_keywords_means_no_complaint_from_text() -> None:
    assert not is_complaint("客户投诉", [])


def test_route_prefers_the_keyword_that_comes_first(workspace: WorkspaceConfig) -> None:
    assert route("Crash after the refund", workspace) == "ENG"
    assert route("Refund after the crash", workspace) == "SUP"


def test_route_falls_back_to_configured_triage(workspace: WorkspaceConfig) -> None:
    triage_eng = workspace.model_copy(update={"triage_department": "ENG"})
    assert route("hello there", triage_eng) == "ENG"


def test_round_robin_rotates_and_skips_the_absent() -> None:
    owners = ["U1", "U2", "U3"]
    picks = [pick_owner(owners, turn, set())[0] for turn in range(6)]
    assert picks == ["U1", "U2", "U3", "U1", "U2", "U3"]
    assert pick_owner(owners, 0, {"U1"})[0] == "U2"
    assert pick_owner(owners, 2, {"U3"})[0] == "U1"
    # Everyone away: the ticket still gets an owner rather than none.
    assert pick_owner(owners, 1, {"U1", "U2", "U3"})[0] == "U2"
    with pytest.raises(ValueError, match="at least one owner"):
        pick_owner([], 0, set())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urgent printer on fire", ("urgent", "printer on fire")),
        ("HIGH customer waiting", ("high", "customer waiting")),
        ("low", ("low", "")),
        ("lowercase letters only", (None, "lowercase letters only")),
        ("  normal   spaced  ", ("normal", "spaced")),
    ],
)
def test_split_priority(text: str, expected: tuple[str | None, str]) -> None:
    assert split_priority(text) == expected


def test_title_is_first_line_cut_at_a_word() -> None:
    assert title_from_text("\n\n  First line  \nsecond") == "First line"
    long = "word " * 60
    title = title_from_text(long)
    assert title.endswith("…") and len(title) <= 121 and not title[:-1].endswith(" ")
