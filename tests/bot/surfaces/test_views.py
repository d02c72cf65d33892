"""Forms at any workspace size: the department picker holds every department, the routed one preselected."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.sandbox.slack_requests import options_of
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from bot.surfaces.views import (
    decline_modal,
    department_choices,
    escalate_modal,
    new_ticket_modal,
    notice_view,
    reassign_modal,
    resolve_modal,
)
from config.schema import Department, WorkspaceConfig
from tests.support.block_kit import assert_view_valid
from tests.support.slack_limits import assert_view_fits

ENGLISH = Translator("en")


def with_departments(workspace: WorkspaceConfig, count: int, name_length: int = 20) -> WorkspaceConfig:
    departments = [
        Department(key=f"D{n:04d}", name=f"Team {count - n:05d} ".ljust(name_length, "x"), owners=["U0ALICE"])
        for n in range(count)
    ]
    return workspace.model_copy(update={"departments": departments, "triage_department": "D0000"})


def picker(view: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.FORM_DEPARTMENT]
    element: dict[str, Any] = block["element"]
    return element


def test_up_to_100_departments_are_plain_options_in_file_order(workspace: WorkspaceConfig) -> None:
    config = with_departments(workspace, 100)
    choices = department_choices(ENGLISH, config)
    assert list(choices) == ["options"]
    assert [option["value"] for option in choices["options"]] == [d.key for d in config.departments]


@pytest.mark.parametrize(("count", "groups"), [(101, 2), (120, 2), (250, 3), (10_000, 100)])
def test_more_departments_come_in_alphabetical_groups_with_every_one_once(
    workspace: WorkspaceConfig, count: int, groups: int
) -> None:
    config = with_departments(workspace, count, name_length=120)
    last = config.departments[0].key  # "Team 0…<count>" sorts last
    view = new_ticket_modal(ENGLISH, config, department_key=last, next_owner="U0ALICE", title="t" * 5_000)
    assert_view_fits(view)
    menu = picker(view)
    assert "options" not in menu and len(menu["option_groups"]) == groups
    offered = [option["value"] for option in options_of(menu)]
    assert sorted(offered) == sorted(d.key for d in config.departments)
    assert offered[-1] == last and menu["initial_option"]["value"] == last
    sizes = {len(group["options"]) for group in menu["option_groups"]}
    assert max(sizes) - min(sizes) <= 1  # groups of equal size, not 100 and a straggler
    label = menu["option_groups"][0]["label"]["text"]
    assert label.startswith("Team 00001 xxx") and " – Team " in label and len(label) <= 75
    option = menu["option_groups"][0]["options"][0]["text"]["text"]
    assert len(option) == 75 and option.endswith("…")  # a 120-character name, cut
    assert_view_fits(reassign_modal(ENGLISH, config, "D0000-1", last))


# ---------------------------------------------------------------------------------------------- every form, en + zh

LANGUAGES = [ENGLISH, Translator("zh")]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [found] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_new_ticket_form_is_valid_and_preselects_the_routed_department(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    view = new_ticket_modal(
        translator,
        workspace,
        department_key="ENG",
        next_owner="U0CAROL",
        title="Checkout page crashes",
        description="Since this morning's release",
        metadata={"channel": "C0INTAKE", "ts": "1790000000.000100"},
    )
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.NEW_TICKET
    assert view["title"]["text"] == translator.t("form.new_ticket_title")
    assert view["submit"]["text"] == translator.t("form.open")
    assert json.loads(view["private_metadata"]) == {"channel": "C0INTAKE", "ts": "1790000000.000100"}
    assert [b["block_id"] for b in view["blocks"]] == [
        BlockId.FORM_TITLE,
        BlockId.FORM_DESCRIPTION,
        BlockId.FORM_DEPARTMENT,
        BlockId.FORM_OWNER_HINT,
        BlockId.FORM_PRIORITY,
        BlockId.FORM_CUSTOMER,
        BlockId.FORM_STAGE,
        BlockId.FORM_COMPLAINT,
    ]
    assert block(view, BlockId.FORM_TITLE)["element"]["initial_value"] == "Checkout page crashes"
    assert block(view, BlockId.FORM_TITLE)["optional"] is False
    assert block(view, BlockId.FORM_DESCRIPTION)["optional"] is True
    department = block(view, BlockId.FORM_DEPARTMENT)
    assert department["dispatch_action"] is True  # picking another department redraws the owner hint
    assert department["element"]["action_id"] == ActionId.FORM_DEPARTMENT
    assert department["element"]["initial_option"]["value"] == "ENG"
    hint = block(view, BlockId.FORM_OWNER_HINT)["elements"][0]["text"]
    assert hint == translator.t("form.owner_hint", department="Engineering 研发", owner="U0CAROL")
    assert block(view, BlockId.FORM_PRIORITY)["element"]["initial_option"]["value"] == "normal"
    assert "initial_option" not in block(view, BlockId.FORM_STAGE)["element"]
    assert "initial_options" not in block(view, BlockId.FORM_COMPLAINT)["element"]
    customer = block(view, BlockId.FORM_CUSTOMER)
    assert customer["element"]["type"] == "external_select" and customer["optional"] is True  # any number of them
    assert customer["element"]["action_id"] == ActionId.CUSTOMER_SELECT and "initial_option" not in customer["element"]
    own = (BlockId.FORM_DEPARTMENT, BlockId.FORM_OWNER_HINT, BlockId.FORM_CUSTOMER)
    others = [b for b in view["blocks"] if b["block_id"] not in own]
    assert {b["element"]["action_id"] for b in others} == {ActionId.FORM_VALUE.value}


def test_the_new_ticket_form_redrawn_keeps_what_was_chosen(workspace: WorkspaceConfig) -> None:
    acme = {"text": {"type": "plain_text", "text": "Acme 公司"}, "value": "7"}
    initial = {"priority": "urgent", "customer": acme, "stage": "retention", "complaint": True}
    view = new_ticket_modal(
        Translator("zh"), workspace, department_key="NOPE", next_owner=None, title="t" * 500, initial=initial
    )
    assert_view_valid(view)
    assert block(view, BlockId.FORM_DEPARTMENT)["element"]["initial_option"]["value"] == "SUP"  # unknown: triage
    assert block(view, BlockId.FORM_TITLE)["element"]["initial_value"] == "t" * 150
    assert block(view, BlockId.FORM_PRIORITY)["element"]["initial_option"]["value"] == "urgent"
    assert block(view, BlockId.FORM_CUSTOMER)["element"]["initial_option"] == acme
    assert block(view, BlockId.FORM_STAGE)["element"]["initial_option"]["value"] == "retention"
    complaint = block(view, BlockId.FORM_COMPLAINT)["element"]
    assert [o["value"] for o in complaint["initial_options"]] == ["yes"]
    hint = block(view, BlockId.FORM_OWNER_HINT)["elements"][0]["text"]
    assert hint == Translator("zh").t("form.owner_hint_unknown")


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_hand_off_form_asks_for_a_person_and_a_reason(translator: Translator, workspace: WorkspaceConfig) -> None:
    view = reassign_modal(translator, workspace, "SUP-12", "SALES")
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.REASSIGN
    assert json.loads(view["private_metadata"]) == {"key": "SUP-12"}
    assert "*SUP-12*" in view["blocks"][0]["text"]["text"]
    assert block(view, BlockId.FORM_DEPARTMENT)["element"]["initial_option"]["value"] == "SALES"
    assert "dispatch_action" not in block(view, BlockId.FORM_DEPARTMENT)
    assert block(view, BlockId.FORM_PERSON)["element"]["type"] == "users_select"
    assert block(view, BlockId.FORM_REASON)["element"]["max_length"] == 1000
    assert view["submit"]["text"] == translator.t("form.send")


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
@pytest.mark.parametrize(
    ("build", "callback_id", "block_id", "name", "max_length"),
    [
        (decline_modal, CallbackId.DECLINE, BlockId.FORM_REASON, "decline", 1000),
        (resolve_modal, CallbackId.RESOLVE, BlockId.FORM_NOTE, "resolve", 2000),
        (escalate_modal, CallbackId.ESCALATE, BlockId.FORM_REASON, "escalate", 1000),
    ],
    ids=["decline", "resolve", "escalate"],
)
def test_each_one_question_form_names_its_ticket_and_asks_one_thing(
    translator: Translator,
    build: Callable[[Translator, str], dict[str, Any]],
    callback_id: CallbackId,
    block_id: BlockId,
    name: str,
    max_length: int,
) -> None:
    view = build(translator, "ENG-7")
    assert_view_valid(view)
    assert view["callback_id"] == callback_id
    assert json.loads(view["private_metadata"]) == {"key": "ENG-7"}
    assert view["blocks"][0]["text"]["text"] == translator.t(f"form.{name}_intro", key="ENG-7")
    [question] = [b for b in view["blocks"] if b["type"] == "input"]
    assert question["block_id"] == block_id and question["optional"] is False
    assert question["element"]["max_length"] == max_length and question["element"]["multiline"] is True
    assert view["title"]["text"] == translator.t(f"form.{name}_title")
    assert view["submit"]["text"] == translator.t(f"form.{name}")
    assert view["close"]["text"] == translator.t("form.cancel")


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_refusal_notice_says_why_and_only_closes(translator: Translator) -> None:
    text = translator.t("error.ticket_not_found", key="SUP-99")
    view = notice_view(translator, text)
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.NOTICE
    assert "submit" not in view  # nothing to submit: the person reads why and closes it
    assert view["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def test_a_department_name_longer_than_the_hint_holds_is_cut_and_the_form_still_opens(
    workspace: WorkspaceConfig,
) -> None:
    named = [
        d.model_copy(update={"name": "Engineering 研发 " * 400}) if d.key == "ENG" else d for d in workspace.departments
    ]
    config = workspace.model_copy(update={"departments": named})
    for translator in LANGUAGES:
        view = new_ticket_modal(translator, config, department_key="ENG", next_owner="U0CAROL")
        assert_view_valid(view)  # Slack refuses a context text over 3,000 characters: the form would not open
        hint = block(view, BlockId.FORM_OWNER_HINT)["elements"][0]["text"]
        assert "<@U0CAROL>" in hint and "…" in hint and len(hint) <= 3_000
