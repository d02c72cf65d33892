"""The sandbox's cast and channels: readable names from the workspace file, role names for real Slack ids."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.clock import SystemClock
from bot.sandbox.scene import REQUESTER_ID, build_workspace, cast, channel_names
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig


def test_the_example_file_gives_everyone_a_readable_name_and_a_role(workspace: WorkspaceConfig) -> None:
    people = {p.id: (p.name, p.role, p.department) for p in cast(workspace)}
    assert people[REQUESTER_ID] == ("Riley Requester", "requester", None)
    assert people["U0ALICE"] == ("Alice", "owner", "SUP")
    assert people["U0LEADSUP"] == ("SUP Lead", "lead", "SUP")
    assert people["U0ADMIN"] == ("Admin", "admin", None)
    assert list(channel_names(workspace).values()) == ["intake", "support", "eng", "sales", "mgmt"]


def test_real_slack_ids_get_names_from_their_role(tmp_path: Path) -> None:
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    for example, real_id in {
        "U0ALICE": "U07ABC123",
        "U0BOB": "U07DEF456",
        "U0LEADSUP": "U07LEAD99",
        "U0ADMIN": "U07ADM1N2",
        "C0INTAKE": "C07AB12CD",
        "C0SUPPORT": "C07SUP123",
    }.items():
        text = text.replace(example, real_id)
    (tmp_path / "crossdesk.yaml").write_text(text, encoding="utf-8")
    real = load_workspace(tmp_path / "crossdesk.yaml")
    names = {p.id: p.name for p in cast(real)}
    assert names["U07ABC123"] == "SUP Owner 1" and names["U07DEF456"] == "SUP Owner 2"
    assert names["U07LEAD99"] == "SUP Lead" and names["U07ADM1N2"] == "Admin 1"
    channels = channel_names(real)
    assert channels["C07AB12CD"] == "intake" and channels["C07SUP123"] == "sup"
    fake = build_workspace(real, SystemClock(), bot_token="xoxb-x")
    assert fake.users["U07ABC123"].name == "supowner1" and fake.channels["C07SUP123"].name == "sup"
    assert set(fake.channels["C07AB12CD"].members) >= {REQUESTER_ID, "U07ABC123", fake.bot_user_id}
