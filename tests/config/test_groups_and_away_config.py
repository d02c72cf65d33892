"""User group owners and leads (``S…``) and ``away_statuses:`` in the workspace file: what is accepted, what
check-config says of what is not, each on its line; and the expansion of groups into people."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.away import DEFAULT_AWAY_STATUSES
from config.groups import GroupMembers
from config.loader import ConfigError, parse_workspace

GROUPS = """triage_department: SUP
departments:
  - {key: SUP, name: Support, lead: S0SUPLEADS, owners: [U0ALICE, S0SUPPORT, U0BOB]}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        parse_workspace(text, "crossdesk.yaml")
    return [str(problem) for problem in refused.value.problems]


def test_user_groups_are_accepted_for_owners_and_lead_and_the_away_defaults_apply() -> None:
    workspace = parse_workspace(GROUPS, "crossdesk.yaml")
    department = workspace.triage
    assert department.owners == ["U0ALICE", "S0SUPPORT", "U0BOB"] and department.lead == "S0SUPLEADS"
    assert department.groups == ["S0SUPPORT", "S0SUPLEADS"]
    assert workspace.away_statuses == list(DEFAULT_AWAY_STATUSES)
    assert {":palm_tree:", ":face_with_thermometer:", ":airplane:", "OOO", "休假", "请假"} <= set(DEFAULT_AWAY_STATUSES)


def test_groups_expand_into_their_members_in_order_each_once() -> None:
    workspace = parse_workspace(GROUPS, "crossdesk.yaml").with_groups(
        GroupMembers({"S0SUPPORT": ["U0CAROL", "U0BOB", "U0ALICE"], "S0SUPLEADS": ["U0LEAD1", "U0LEAD2"]})
    )
    department = workspace.triage
    assert workspace.owners_of(department) == ["U0ALICE", "U0CAROL", "U0BOB"]
    assert workspace.leads_of(department) == ["U0LEAD1", "U0LEAD2"]
    assert workspace.people_of(department) == ["U0ALICE", "U0CAROL", "U0BOB", "U0LEAD1", "U0LEAD2"]


def test_a_group_never_read_leaves_the_rotation_to_the_leads_then_the_admins() -> None:
    text = """triage_department: SUP
admins: [U0ADMIN]
departments:
  - {key: SUP, name: Support, lead: U0LEAD, owners: [S0SUPPORT]}
  - {key: ENG, name: Engineering, owners: [S0ENG]}
"""
    workspace = parse_workspace(text, "crossdesk.yaml")
    support, engineering = workspace.departments
    assert workspace.owners_of(support) == [] and workspace.rotation_of(support) == ["U0LEAD"]
    assert workspace.rotation_of(engineering) == ["U0ADMIN"]


def test_bad_ids_and_away_statuses_are_refused_with_their_lines() -> None:
    found = problems(
        """triage_department: SUP
admins: [S0ADMINS]
departments:
  - {key: SUP, name: Support, lead: "@support-leads", owners: [U0ALICE, S0SUPPORT, S0SUPPORT]}
away_statuses:
  - ":palm tree:"
  - "   "
  - OOO
  - "%s"
"""
        % ("x" * 101)
    )
    text = "\n".join(found)
    assert "crossdesk.yaml:2: admins[0]" in text and "must be a Slack member id" in text  # admins are people
    assert "departments[SUP].lead" in text and "user group id such as S0123ABCD" in text
    assert "departments[SUP].owners[2]: S0SUPPORT is listed twice" in text
    assert "away_statuses[0]" in text and "looks like an emoji but is not one" in text
    assert "away_statuses[1]" in text and "must not be empty" in text
    assert "away_statuses[3]" in text and "Slack keeps at most 100" in text
    assert "away_statuses[2]" not in text


def test_check_config_is_clear_for_groups_and_custom_away_statuses(tmp_path: Path) -> None:
    path = tmp_path / "crossdesk.yaml"
    path.write_text(GROUPS + "away_statuses: [':palm_tree:', 'on leave', 年假]\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", "check-config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
