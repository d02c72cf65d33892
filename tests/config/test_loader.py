"""The workspace file: every problem reported with its line, the example valid, defaults sensible."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config.durations import format_duration, parse_duration
from config.goals import format_target
from config.loader import EXAMPLE_PATH, ConfigError, load_workspace, parse_workspace
from config.schema import cross_check

MINIMAL = """\
triage_department: SUP
departments:
  - key: SUP
    name: Support
    owners: [U0ALICE]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_workspace(text, source="w.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_example_file_is_valid_and_documents_every_contract_key() -> None:
    workspace = load_workspace(EXAMPLE_PATH)
    assert [d.key for d in workspace.departments] == ["SUP", "ENG", "SALES"]
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    for key in (
        "timezone:",
        "language:",
        "admins:",
        "intake_channels:",
        "triage_department:",
        "reactions:",
        "departments:",
        "sla:",
        "working_hours:",
        "holidays:",
        "reminders:",
        "standups:",
        "digest:",
        "channel:",
        "lead:",
        "owners:",
        "keywords:",
        "post_at:",
        "questions:",
        "repeat_every:",
        "escalate_after:",
        "bounce_limit:",
        "escalation:",
        "auto_close_after:",
        "catch_up_within:",
        "complaint_keywords:",
        "goals:",
        "weekly:",
        "config_source:",
    ):
        line = next(line for line in text.splitlines() if key in line and not line.lstrip().startswith("#"))
        assert line, key
    assert workspace.sla.urgent.acknowledge == timedelta(minutes=15)
    assert workspace.reminders.escalate_after == 2


def test_minimal_file_gets_defaults() -> None:
    workspace = parse_workspace(MINIMAL)
    assert workspace.language == "en"
    assert workspace.timezone == "UTC"
    assert workspace.reactions.ticket == "ticket"
    assert workspace.sla.normal.resolve == timedelta(days=3)
    assert workspace.triage.key == "SUP"
    assert workspace.complaint_keywords == ["complaint", "complain", "投诉", "客诉"]


def test_complaint_keywords_are_checked_with_their_line() -> None:
    assert parse_workspace(MINIMAL + "complaint_keywords: [escalation, 差评]\n").complaint_keywords == [
        "escalation",
        "差评",
    ]
    assert parse_workspace(MINIMAL + "complaint_keywords: []\n").complaint_keywords == []
    found = problems_of(MINIMAL + 'complaint_keywords:\n  - complaint\n  - "  "\n  - 42\n')
    assert any(line.startswith("w.yaml:8: complaint_keywords[1]: a keyword must not be empty") for line in found), found
    assert any(line.startswith("w.yaml:9: complaint_keywords[2]:") for line in found), found
    assert len(found) == 2, found
    assert problems_of(MINIMAL + "complaint_keywords: complaint\n")[0].startswith("w.yaml:6: complaint_keywords:")


def test_every_problem_is_reported_with_its_line() -> None:
    text = """\
timezone: Mars/Olympus
language: fr
admins: [alice]
triage_department: OPS
departments:
  - key: SUP
    name: Support
    channel: "#support"
    owners: [U0ALICE, U0ALICE]
    colour: blue
sla:
  urgent: {acknowledge: 15, resolve: 4h}
working_hours: {start: "18:00", end: "09:00"}
standups:
  - {department: XX, at: "25:00", post_at: "10:00"}
"""
    found = problems_of(text)
    expected = [
        "w.yaml:1: timezone: unknown time zone",
        "w.yaml:2: language: must be 'en' or 'zh' (not 'fr')",
        "w.yaml:3: admins[0]: user id 'alice' must be a Slack member id",
        "w.yaml:4: triage_department: unknown department OPS",
        "w.yaml:8: departments[SUP].channel: channel id '#support'",
        "w.yaml:9: departments[SUP].owners[1]: U0ALICE is listed twice",
        "w.yaml:10: departments[SUP].colour: unknown key",
        "w.yaml:12: sla.urgent.acknowledge: bad duration '15'",
        "w.yaml:13: working_hours: working_hours.end must be later",
        "w.yaml:15: standups[0].at: bad time of day '25:00'",
        "w.yaml:15: standups[0].department: unknown department XX",
    ]
    for prefix in expected:
        assert any(line.startswith(prefix) for line in found), (prefix, found)
    assert len(found) == len(expected), found


def test_catch_up_window_defaults_to_an_hour_and_is_bounded() -> None:
    assert parse_workspace(MINIMAL).catch_up_within == timedelta(hours=1)
    assert parse_workspace(MINIMAL + "catch_up_within: 15m\n").catch_up_within == timedelta(minutes=15)
    for value in ("30s", "2d"):
        [problem] = problems_of(MINIMAL + f"catch_up_within: {value}\n")
        assert problem.startswith("w.yaml:6: catch_up_within:") and "between 1m and 1d" in problem, problem


def test_missing_required_keys_are_missing_from_the_file_not_at_a_line() -> None:
    assert problems_of("language: en\n") == [
        "w.yaml: departments: missing from the file (this key is required)",
        "w.yaml: triage_department: missing from the file (this key is required)",
    ]


def test_a_missing_key_inside_an_entry_points_at_the_entry() -> None:
    found = problems_of(MINIMAL + "standups:\n  - department: SUP\n    post_at: '10:00'\n")
    assert found == ["w.yaml:7: standups[0].at: missing (this key is required)"]


def test_departments_are_named_by_key_unless_the_key_cannot_name_one() -> None:
    text = """\
triage_department: SUP
departments:
  - {key: SUP, name: Support, owners: [U0ALICE]}
  - {key: ENG, name: "", owners: [U0BOB]}
  - {key: OPS, name: Ops, owners: [U0CAROL]}
  - {key: OPS, name: Ops again, owners: U0DAN}
"""
    assert problems_of(text) == [
        "w.yaml:4: departments[ENG].name: must not be empty",
        "w.yaml:6: departments[3].key: department OPS is defined twice",
        "w.yaml:6: departments[3].owners: must be a list, e.g. [a, b] (not 'U0DAN')",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "reminders: {repeat_every: 1h, escalate_after: 0}\nbounce_limit: many\n",
            [
                "w.yaml:6: reminders.escalate_after: must be 1 or more (not 0)",
                "w.yaml:7: bounce_limit: must be a whole number (not 'many')",
            ],
        ),
        (
            'holidays: ["2026-13-01"]\n',
            ["w.yaml:6: holidays[0]: must be a date written YYYY-MM-DD, e.g. \"2026-10-01\" (not '2026-13-01')"],
        ),
        (
            "working_hours: {days: [mon, tuesday]}\n",
            [
                "w.yaml:6: working_hours.days[1]: must be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun' "
                "(not 'tuesday')"
            ],
        ),
        ("digest:\n  channel:\n", ["w.yaml:7: digest.channel: has no value: write one after the ':'"]),
    ],
)
def test_schema_problems_are_in_plain_words(text: str, expected: list[str]) -> None:
    assert problems_of(MINIMAL + text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An unclosed { or [ is noticed at the next key, after blank and comment lines: point at the line it is on.
        (
            "working_hours: {start: '09:00', end: '18:00'\n\n# holidays\nholidays: []\n",
            "w.yaml:6: not valid YAML: the '{' on this line is not closed: add the missing '}' "
            "(or a ',' between two entries)",
        ),
        (
            "holidays: [\n  '2026-10-01',\n  '2026-10-02'\ndigest: {channel: C0MGMT}\n",
            "w.yaml:8: not valid YAML: the '[' on line 6 is not closed: add the missing ']' "
            "(or a ',' between two entries)",
        ),
        (
            'digest: {channel: "C0MGMT}\n',
            "w.yaml:6: not valid YAML: a quoted text starts here but its closing quote is missing",
        ),
        (
            "digest:\n  channel: C0MGMT\n    at: '18:00'\n",
            "w.yaml:8: not valid YAML: a ':' where a plain value was "
            "expected: put quotes around a value that contains ': ' (e.g. name: \"Sales: EMEA\"), or check the "
            "indentation",
        ),
        (
            "digest:\n    channel: C0MGMT\n  at: '18:00'\n",
            "w.yaml:8: not valid YAML: this line is not indented like the lines above it",
        ),
        ("digest: {channel: C0MGMT}}\n", "w.yaml:6: not valid YAML: this '}' closes nothing: remove it"),
        ("digest:\n\tchannel: C0MGMT\n", "w.yaml:7: not valid YAML: a tab character: indent with spaces only"),
    ],
)
def test_yaml_syntax_errors_point_at_the_line_of_the_mistake(text: str, expected: str) -> None:
    assert problems_of(MINIMAL + text) == [expected]


def test_non_mapping_document_is_refused() -> None:
    assert problems_of("- just\n- a list\n") == ["w.yaml:1: the file must be a mapping of keys such as departments:"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_workspace(tmp_path / "nope.yaml")


def test_unquoted_clock_times_are_understood() -> None:
    # YAML 1.1 turns 09:30 into the integer 570; admins should not have to know that.
    workspace = parse_workspace(MINIMAL + "digest: {channel: C0MGMT, at: 18:00}\n")
    assert workspace.digest is not None and workspace.digest.at.hour == 18


def test_stand_up_questions_are_capped_to_what_slack_can_show() -> None:
    """Each question is a label of the answer form and is repeated with every answer in the summary."""
    many = ", ".join(f'"Question {n}?"' for n in range(1, 10))
    long = "x" * 151
    text = (
        MINIMAL
        + "standups:\n"
        + f'  - {{department: SUP, at: "09:30", post_at: "10:30", questions: [{many}]}}\n'
        + f'  - {{department: SUP, at: "09:30", post_at: "10:30", questions: ["Done?", "{long}"]}}\n'
        + '  - {department: SUP, at: "09:30", post_at: "10:30", questions: ["Done?", "  "]}\n'
    )
    found = problems_of(text)
    assert found == [
        "w.yaml:7: standups[0].questions: 9 questions; at most 8 fit the answer form and the summary",
        "w.yaml:8: standups[1].questions: question 2 is 151 characters long; at most 150 "
        "(it is repeated with every answer in the summary)",
        "w.yaml:9: standups[2].questions: question 2 is empty",
    ]
    eight = ", ".join(f'"Question {n}?"' for n in range(1, 9))
    fine = MINIMAL + f'standups:\n  - {{department: SUP, at: "09:30", post_at: "10:30", questions: [{eight}]}}\n'
    assert len(parse_workspace(fine).standups[0].questions) == 8


def test_no_more_departments_than_the_department_picker_holds() -> None:
    # Checked on plain data: a 10,001-department YAML file takes PyYAML seconds to read.
    departments = [{"key": f"D{n}", "name": f"Dept {n}", "owners": ["U0ALICE"]} for n in range(10_001)]
    assert cross_check({"triage_department": "D0", "departments": departments}) == [
        "departments: 10001 departments; at most 10000 fit Slack's department picker (100 groups of 100)"
    ]
    assert cross_check({"triage_department": "D0", "departments": departments[:10_000]}) == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("4h", 14400), ("1d", 86400), ("1h30m", 5400), (" 3s ", 3)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert parse_duration(format_duration(parse_duration(text))) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["15", "", "1w", "-5m", "0s", "m", "1.5h", "fifteen minutes"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_goals_hold_their_targets_as_numbers_with_a_direction() -> None:
    workspace = load_workspace(EXAMPLE_PATH)
    goals = {goal.metric: goal for goal in workspace.goals}
    assert goals["ack_within_sla"].target == 0.95 and not goals["ack_within_sla"].at_most
    assert goals["csat"].target == 4.5
    assert goals["complaint_resolve_median"].target == 2 * 86400 and goals["complaint_resolve_median"].at_most
    assert goals["bounce_rate"].is_met(0.08) and not goals["bounce_rate"].is_met(0.12)
    assert goals["resolve_within_sla"].window == timedelta(days=7)
    assert [format_target(goal) for goal in workspace.goals] == ["95%", "90%", "4.5", "90%", "2d", "10%"]
    assert workspace.digest is not None and workspace.digest.weekly == "mon"
    assert workspace.config_source == "file"


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("{name: A, metric: ack_within_sla, target: 95}", "must be a percentage such as 95%"),
        ("{name: A, metric: ack_within_sla, target: 120%}", "between 0% and 100%"),
        ("{name: A, metric: csat, target: 7}", "satisfaction score from 1 to 5"),
        ("{name: A, metric: complaint_resolve_median, target: 2}", "duration such as 2d"),
        ("{name: A, metric: overdue, target: -1}", "whole number of tickets"),
        ("{name: A, metric: happiness, target: 1}", "metric"),
        ("{name: A, metric: open, target: 3, window: 200d}", "between 1d and 90d"),
    ],
)
def test_bad_goals_are_refused_with_their_line(goal: str, expected: str) -> None:
    problems = problems_of(f"{MINIMAL}goals:\n  - {goal}\n")
    assert len(problems) == 1 and expected in problems[0] and "goals" in problems[0], problems


def test_a_goal_name_used_twice_is_refused() -> None:
    problems = problems_of(
        f"{MINIMAL}goals:\n  - {{name: Fast, metric: open, target: 3}}\n"
        "  - {name: fast, metric: overdue, target: 1}\n"
    )
    assert any("goals[1].name" in problem and "defined twice" in problem for problem in problems), problems


def test_goals_survive_a_dump_and_a_second_validation() -> None:
    workspace = load_workspace(EXAMPLE_PATH)
    again = type(workspace).model_validate(workspace.model_dump())
    assert again.goals == workspace.goals
