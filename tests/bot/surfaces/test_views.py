"""Forms at any workspace size: the department picker holds every department, the routed one preselected."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.slack_requests import options_of
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import BlockId
from bot.surfaces.views import department_choices, new_ticket_modal, reassign_modal
from config.schema import Department, WorkspaceConfig
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
