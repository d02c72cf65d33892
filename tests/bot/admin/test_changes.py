"""The before → after lines of the audit list, derived by comparing two configurations."""

from __future__ import annotations

from bot.admin.changes import describe_changes
from bot.surfaces.i18n import Translator
from config.loader import parse_workspace
from config.schema import WorkspaceConfig
from tests.support.admin import EXAMPLE


def _with(*replacements: tuple[str, str]) -> WorkspaceConfig:
    text = EXAMPLE
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return parse_workspace(text)


BEFORE = _with()
EN, ZH = Translator("en").t, Translator("zh").t


def test_nothing_changed_says_nothing() -> None:
    assert describe_changes(BEFORE, _with(), EN) == []


def test_the_first_record_has_nothing_to_compare_with() -> None:
    assert describe_changes(None, BEFORE, EN) == ["the first configuration recorded"]


def test_owners_lead_and_keywords_each_get_a_line_with_the_department_name() -> None:
    after = _with(
        ("owners: [U0ALICE, U0BOB]", "owners: [U0ALICE, U0CAROL]"),
        ("lead: U0LEADENG", "lead: U0DAN"),
        ("keywords: [quote, pricing, contract, invoice, 报价, 合同, 发票]", "keywords: [quote]"),
    )
    assert describe_changes(BEFORE, after, EN) == [
        "Customer Support 客户支持 · Owners: <@U0ALICE>, <@U0BOB> → <@U0ALICE>, <@U0CAROL>",
        "Engineering 研发 · Lead: <@U0LEADENG> → <@U0DAN>",
        "Sales 销售 · Keywords: quote, pricing, contract, invoice, 报价, 合同, 发票 → quote",
    ]


def test_a_channel_removed_and_a_department_added_and_removed() -> None:
    removed_channel = _with(("    channel: C0ENG\n", ""))
    assert describe_changes(BEFORE, removed_channel, EN) == ["Engineering 研发 · Channel: <#C0ENG> → —"]
    added = _with(
        (
            "  - key: SALES\n",
            "  - key: BIL\n    name: Billing\n    owners: [U0ERIN]\n  - key: SALES\n",
        )
    )
    assert describe_changes(BEFORE, added, EN) == ["Billing (`BIL`) added"]
    assert describe_changes(added, BEFORE, EN) == ["Billing (`BIL`) removed"]


def test_intake_channels_sla_and_other_keys() -> None:
    after = _with(
        ("intake_channels: [C0INTAKE]", "intake_channels: [C0INTAKE, C0SALES]"),
        ("urgent: {acknowledge: 15m, resolve: 4h}", "urgent: {acknowledge: 30m, resolve: 4h}"),
        ("bounce_limit: 3", "bounce_limit: 4"),
    )
    assert describe_changes(BEFORE, after, EN) == [
        "Intake channels: <#C0INTAKE> → <#C0INTAKE>, <#C0SALES>",
        "SLA Urgent · acknowledge: 15m → 30m",
        "`bounce_limit` changed",
    ]


def test_lines_in_chinese() -> None:
    after = _with(("owners: [U0ALICE, U0BOB]", "owners: [U0BOB]"))
    line = "Customer Support 客户支持 · 处理人：<@U0ALICE>, <@U0BOB> → <@U0BOB>"
    assert describe_changes(BEFORE, after, ZH) == [line]
