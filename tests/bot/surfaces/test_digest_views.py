"""The digest's Block Kit from a report built by hand: valid in both languages, with the numbers and tickets in it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.schedule.digest_report import STAGES, DepartmentNumbers, DigestReport, OpenTicket
from bot.schedule.handoff_map import Figures, HandoffMap, PairNumbers
from bot.surfaces.digest_views import fallback_text, header_text, render_blocks, render_messages
from bot.surfaces.i18n import Translator
from tests.support.block_kit import action_ids, assert_message_valid, text_of

NOW = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai
DAY = date(2026, 12, 4)
LINK = "https://crossdesk.slack.com/archives/C0SALES/p1790000000000100"


def department(key: str, name: str, *, overdue: int = 0, ack: float | None = 1.25) -> DepartmentNumbers:
    return DepartmentNumbers(
        key=key,
        name=name,
        opened=3,
        resolved=2,
        open=5,
        overdue=overdue,
        median_ack_hours=ack,
        median_resolve_hours=None,
        bounced=1,
        opened_per_day=(0, 1, 0, 2, 0, 0, 3),
    )


def open_ticket(key: str, title: str, link: str | None, age: timedelta) -> OpenTicket:
    return OpenTicket(
        key=key,
        title=title,
        department_key=key.split("-")[0],
        department_name="Sales 销售",
        owner_id="U0ERIN",
        status="open",
        created_at=NOW - age,
        age=age,
        link=link,
    )


def report(language: str) -> DigestReport:
    return DigestReport(
        generated_at=NOW,
        day=DAY,
        days=tuple(DAY - timedelta(days=back) for back in reversed(range(7))),
        timezone="Asia/Shanghai",
        language=language,
        departments=(
            department("SUP", "Customer Support 客户支持"),
            department("ENG", "Engineering 研发", overdue=2, ack=None),
        ),
        oldest_open=(
            open_ticket("SALES-1", "Invoice question from ACME", LINK, timedelta(days=8, hours=8)),
            # a private ticket: the service gave it the private title and no link (its card is a DM)
            open_ticket("SALES-2", Translator(language).t("ticket.private_title"), None, timedelta(hours=5)),
        ),
        complaints={**dict.fromkeys(STAGES, 0), "retention": 2, "unknown": 1},
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_digest_is_valid_block_kit_with_its_numbers(language: str) -> None:
    t = Translator(language).t
    the_report = report(language)
    blocks = render_blocks(the_report)
    assert_message_valid({"text": fallback_text(the_report), "blocks": blocks})
    assert [b["type"] for b in blocks] == ["header", "context", "section", "section", "divider", "section", "section"]
    assert header_text(blocks) == t("digest.header", day="2026-12-04")
    assert (
        t("digest.context", day="2026-12-04", tz="Asia/Shanghai", days=7, time="18:30")
        == (blocks[1]["elements"][0]["text"])
    )
    sup, eng = blocks[2], blocks[3]
    assert sup["text"]["text"] == t("digest.department", name="Customer Support 客户支持", key="SUP")
    assert eng["text"]["text"] == t("digest.department", name="Engineering 研发", key="ENG")
    assert [f["text"] for f in sup["fields"]] == [
        f"*{t('digest.opened')}*\n3",
        f"*{t('digest.resolved')}*\n2",
        f"*{t('digest.open')}*\n5",
        f"*{t('digest.overdue')}*\n0",
        f"*{t('digest.median_ack')}*\n{t('digest.hours', hours='1.2')}",
        f"*{t('digest.median_resolve')}*\n{t('digest.no_value')}",
        f"*{t('digest.bounces')}*\n1",
        f"*{t('digest.satisfaction')}*\n{t('digest.satisfaction.none')}",
    ]
    assert eng["fields"][3]["text"] == f"*{t('digest.overdue')}*\n:warning: 2"
    assert eng["fields"][4]["text"] == f"*{t('digest.median_ack')}*\n{t('digest.no_value')}"
    complaints = blocks[6]
    assert complaints["text"]["text"] == t("digest.complaints.header", days=7, total=3)
    assert [f["text"] for f in complaints["fields"]][-1] == f"*{t('digest.stage.unknown')}*\n1"
    assert action_ids(blocks) == []  # a report: nothing to click
    assert fallback_text(the_report) == t("digest.fallback", day="2026-12-04", opened=6, resolved=4, open=10, overdue=2)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_oldest_tickets_link_to_their_cards_and_a_private_one_shows_neither_title_nor_link(language: str) -> None:
    translator = Translator(language)
    oldest = render_blocks(report(language))[5]["text"]["text"].splitlines()
    assert oldest[0] == translator.t("digest.oldest.header")
    assert oldest[1].startswith(f"• <{LINK}|SALES-1> Invoice question from ACME")
    assert translator.t("digest.age", days=8, hours=8) in oldest[1]
    private = oldest[2]
    assert private.startswith(f"• *SALES-2* {translator.t('ticket.private_title')} ")
    assert "<https://" not in private and "<@U0ERIN>" in private
    assert len(oldest) == 3


def test_an_empty_digest_is_still_a_valid_message() -> None:
    for language in ("en", "zh"):
        empty = replace(report(language), departments=(), oldest_open=(), complaints=dict.fromkeys(STAGES, 0))
        blocks = render_blocks(empty)
        assert_message_valid({"text": fallback_text(empty), "blocks": blocks})
        assert Translator(language).t("digest.oldest.none") in text_of(blocks)
        assert render_messages(empty) == [blocks]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_part_of_a_long_daily_digest_is_valid_and_says_what_it_continues(language: str) -> None:
    many = tuple(department(f"D{n:03d}", f"部门 Department {n}", overdue=n % 2) for n in range(120))
    messages = render_messages(replace(report(language), departments=many, handoffs=handoffs(SLOW)))
    assert len(messages) == 3
    assert len(messages[0]) == 50  # the hand-offs section takes a department's room, not more than Slack's 50
    for number, blocks in enumerate(messages, start=1):
        assert_message_valid({"text": header_text(blocks), "blocks": blocks})
        if number > 1:
            note = Translator(language).t("digest.continued", day="2026-12-04", part=number, parts=3)
            assert header_text(blocks) == note
    keys = [re.findall(r"D\d{3}", b["text"]["text"])[-1] for m in messages for b in m if len(b.get("fields", [])) == 8]
    assert sorted(keys) == [d.key for d in many]  # every department once, in the first message or the thread


# ---------------------------------------------------------------------------------------------- the hand-off map


def handoffs(*pairs: PairNumbers) -> HandoffMap:
    names = {"SUP": "Customer Support 客户支持", "ENG": "Engineering 研发", "SALES": "Sales 销售"}
    answered = [p for p in pairs if p.answered]
    totals = Figures(
        asked=sum(p.asked for p in pairs),
        answered=sum(p.answered for p in answered),
        bounces=sum(p.bounces for p in pairs),
    )
    keys = tuple(k for k in names if any(k in (p.asking, p.answering) for p in pairs))
    return HandoffMap(NOW - timedelta(days=7), NOW, keys, names, pairs, totals)


SLOW = PairNumbers(
    asking="SUP", answering="ENG", asked=9, answered=7, within_sla=5, median_answer=timedelta(hours=5.2), bounces=2
)
QUICK = PairNumbers(
    asking="ENG", answering="SALES", asked=1, answered=1, within_sla=1, median_answer=timedelta(hours=1)
)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_daily_post_has_the_slowest_hand_off_and_says_where_the_map_is(language: str) -> None:
    t = Translator(language).t
    with_map = replace(report(language), handoffs=handoffs(QUICK, SLOW))
    [blocks] = render_messages(with_map)
    assert_message_valid({"text": fallback_text(with_map), "blocks": blocks})
    lines = blocks[-1]["text"]["text"].splitlines()
    slowest = t(
        "handoff.digest.slowest",
        asking="Customer Support 客户支持",
        answering="Engineering 研发",
        hours="5.2",
        count=7,
        share=71,
    )
    assert lines == [t("handoff.digest.header", days=7), slowest, t("handoff.digest.picture")]
    if language == "en":
        assert slowest == (
            "Slowest hand-off: Customer Support 客户支持 → Engineering 研发, median 5.2 h over 7 consults, 71 % on time"
        )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_digest_on_demand_lists_every_pair_instead_of_the_picture(language: str) -> None:
    t = Translator(language).t
    blocks = render_blocks(replace(report(language), handoffs=handoffs(SLOW, QUICK)))
    assert_message_valid({"text": header_text(blocks), "blocks": blocks})
    lines = blocks[-1]["text"]["text"].splitlines()
    assert t("handoff.digest.picture") not in lines
    assert lines[2] == t(
        "handoff.digest.pair",
        asking="Customer Support 客户支持",
        answering="Engineering 研发",
        asked=9,
        answered=7,
        median=t("digest.hours", hours="5.2"),
        share=t("handoff.share", share=71),
        bounces=2,
    )
    assert len(lines) == 4
    if language == "en":
        assert (
            lines[3] == "• Engineering 研发 → Sales 销售: 1 asked, 1 answered, median 1.0 h, 100 % on time, 0 bounces"
        )


def test_nothing_between_departments_means_no_hand_off_section() -> None:
    for empty in (None, handoffs()):
        blocks = render_blocks(replace(report("en"), handoffs=empty))
        assert "Hand-offs" not in text_of(blocks)
        assert len(blocks) == 7


def test_without_an_answer_the_line_says_what_was_asked_or_bounced() -> None:
    asked_only = PairNumbers(asking="SUP", answering="ENG", asked=2)
    bounced = PairNumbers(asking="SALES", answering="SUP", bounces=3)
    waiting = render_blocks(replace(report("en"), handoffs=handoffs(asked_only, bounced)))
    assert "No consult answered yet: 2 consults asked, 3 bounces." in text_of(waiting)
    moved = render_blocks(replace(report("zh"), handoffs=handoffs(bounced)))
    assert "没有部门间咨询；转交最多：Sales 销售 → Customer Support 客户支持，3 张工单" in text_of(moved)
