"""``customers:`` and ``customers_at_risk:`` in the workspace file: what check-config says, each on its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.customers import fold_name, stage_of
from config.export import to_yaml
from config.loader import EXAMPLE_PATH, ConfigError, load_workspace, parse_workspace

HEAD = """triage_department: SUP
departments:
  - {key: SUP, name: Support, owners: [U0ALICE]}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        parse_workspace(HEAD + text, "crossdesk.yaml")
    return [str(problem) for problem in refused.value.problems]


def test_the_example_has_customers_with_a_chinese_alias_and_the_risk_rule() -> None:
    workspace = load_workspace(EXAMPLE_PATH)
    names = {customer.name: customer for customer in workspace.customers}
    assert any(any(not alias.isascii() for alias in c.aliases) for c in workspace.customers)
    assert all(c.manager and c.stage for c in names.values())
    assert workspace.customers_at_risk.complaints == 2 and workspace.customers_at_risk.days == 30
    assert workspace.customers_at_risk.suggestion


def test_good_customers_are_read_with_the_contracts_spellings() -> None:
    workspace = parse_workspace(
        HEAD
        + """customers:
  - name: ACME Corp
    aliases: [acme, 艾克米]
    stage: winback
    manager: U0ERIN
    external_id: 12345
  - {name: 大地公司, stage: Retention}
"""
    )
    acme, dadi = workspace.customers
    assert (acme.stage, acme.external_id, acme.aliases) == ("win-back", "12345", ["acme", "艾克米"])
    assert (dadi.stage, dadi.manager, workspace.customers_at_risk.complaints) == ("retention", None, 2)
    # export-config writes the stage as the contract spells it, and it reads back the same.
    exported = to_yaml(workspace)
    assert "stage: winback" in exported and "win-back" not in exported
    assert parse_workspace(exported).customers == workspace.customers


def test_every_customer_problem_is_reported_on_its_line() -> None:
    found = problems(
        """customers:
  - name: ACME Corp
    aliases: [acme]
  - name: Globex
    aliases: [ＡＣＭＥ]
    stage: churned
    manager: erin
  - name: "  "
  - {name: Initech, external_id: X1}
  - {name: Hooli, external_id: X1, colour: red}
customers_at_risk: {complaints: 0, days: 400, suggestion: ""}
"""
    )
    assert found == [
        "crossdesk.yaml:8: customers[1].aliases[0]: 'ＡＣＭＥ' is already a name or alias of customers[0] (ACME Corp);"
        " each name belongs to one customer",
        "crossdesk.yaml:9: customers[1].stage: unknown stage 'churned': write one of acquisition, conversion, "
        "retention, growth, winback",
        "crossdesk.yaml:10: customers[1].manager: user id 'erin' must be a Slack member id such as U0123ABCD "
        "(not a name or @mention)",
        "crossdesk.yaml:11: customers[2].name: the name must not be empty",
        "crossdesk.yaml:13: customers[4].colour: unknown key (check the spelling against "
        "config/crossdesk.example.yaml)",
        "crossdesk.yaml:13: customers[4].external_id: 'X1' is already the external id of customers[3]",
        "crossdesk.yaml:14: customers_at_risk.complaints: must be 1 or more (not 0)",
        "crossdesk.yaml:14: customers_at_risk.days: must be 365 or less (not 400)",
        "crossdesk.yaml:14: customers_at_risk.suggestion: suggestion must not be empty; leave it out for the "
        "default text",
    ]


def test_check_config_prints_them_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "crossdesk.yaml"
    path.write_text(HEAD + "customers:\n  - {name: ACME, stage: lost}\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", "check-config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert f"{path}:5: customers[0].stage: unknown stage 'lost'" in run.stdout + run.stderr


def test_names_fold_width_case_and_blanks_and_stages_take_both_spellings() -> None:
    assert fold_name("  ＡＣＭＥ\u3000 Corp ") == fold_name("acme corp") == "acme corp"
    assert fold_name("艾克米") == "艾克米"
    assert [stage_of(s) for s in ("winback", "Win-Back", "win back", " growth ", "", None)] == [
        "win-back",
        "win-back",
        "win-back",
        "growth",
        None,
        None,
    ]
    with pytest.raises(ValueError, match="write one of"):
        stage_of("lost")
