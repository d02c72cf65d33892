"""The forms' edits on the workspace file's mapping, and check-config's problems put on the form's fields."""

from __future__ import annotations

import pytest

from bot.admin.edits import DepartmentForm, edit_department, edit_sla, problems_by_field, words
from config.export import data_to_yaml, to_data
from config.loader import ConfigError, ConfigProblem, parse_workspace
from tests.support.admin import EXAMPLE


def test_keywords_split_on_commas_of_either_width_and_new_lines() -> None:
    assert words("refund, 退款，投诉、chargeback\n  late ,") == ["refund", "退款", "投诉", "chargeback", "late"]
    assert words(None) == []


def test_a_leads_form_changes_owners_and_keywords_only() -> None:
    data = to_data(parse_workspace(EXAMPLE))
    edit_department(data, DepartmentForm("SUP", ["U0BOB"], [], name="Renamed", lead=None, full=False))
    support = parse_workspace(data_to_yaml(data)).department("SUP")
    assert support is not None
    assert (support.owners, support.keywords, support.name, support.lead) == (
        ["U0BOB"],
        [],
        "Customer Support 客户支持",
        "U0LEADSUP",
    )


def test_user_groups_typed_beside_the_people_keep_the_files_order_when_nothing_changed() -> None:
    data = to_data(parse_workspace(EXAMPLE))
    data["departments"][0]["owners"] = ["S0NIGHT", "U0ALICE"]
    edit_department(data, DepartmentForm("SUP", ["U0ALICE"], ["refund"], full=False, owner_groups=["S0NIGHT"]))
    assert data["departments"][0]["owners"] == ["S0NIGHT", "U0ALICE"]  # the same people and groups: no change
    edit_department(data, DepartmentForm("SUP", ["U0BOB"], [], full=False, owner_groups=["S0NIGHT"]))
    assert data["departments"][0]["owners"] == ["U0BOB", "S0NIGHT"]
    edit_department(data, DepartmentForm("SUP", ["U0BOB"], [], name="Support", lead="U0BOB", lead_group="S0LEADS"))
    assert data["departments"][0]["lead"] == "S0LEADS"  # a group typed as lead wins over the person picked
    with pytest.raises(ConfigError) as raised:
        edit_department(data, DepartmentForm("SUP", ["U0BOB"], [], name="Support", lead_group="U0BOB"))
    assert set(problems_by_field(raised.value, ["lead", "lead_group"], "lead")) == {"lead_group"}


def test_a_new_department_with_a_key_in_use_is_a_problem_on_the_key() -> None:
    data = to_data(parse_workspace(EXAMPLE))
    with pytest.raises(ConfigError) as raised:
        edit_department(data, DepartmentForm("SUP", ["U0BOB"], [], name="Again", new=True))
    assert problems_by_field(raised.value, ["key", "owners"], "owners") == {"key": ["a department SUP exists already"]}


def test_check_configs_problems_land_on_their_fields_and_the_rest_on_the_fallback() -> None:
    data = to_data(parse_workspace(EXAMPLE))
    edit_department(data, DepartmentForm("SUP", [], [], name="Support", channel="general", lead="alice"))
    edit_sla(data, {"urgent": {"acknowledge": "soon", "resolve": "4h"}})
    with pytest.raises(ConfigError) as raised:
        parse_workspace(data_to_yaml(data))
    fields = ["name", "channel", "lead", "owners", "keywords", "sla.urgent.acknowledge"]
    grouped = problems_by_field(raised.value, fields, "name")
    assert set(grouped) == {"channel", "lead", "owners", "sla.urgent.acknowledge"}
    other = ConfigError([ConfigProblem("Slack", None, "triage_department", "no such department")])
    assert problems_by_field(other, fields, "owners") == {"owners": ["triage_department: no such department"]}
