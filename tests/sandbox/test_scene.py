"""The sandbox's cast and channels: readable names from the workspace file, role names for real Slack ids."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.clock import SystemClock
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.scene import REQUESTER_ID, build_workspace, cast, channel_names, populate
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


def test_populate_names_people_and_channels_by_id_and_keeps_who_is_already_there(workspace: WorkspaceConfig) -> None:
    fake = SlackWorkspace()
    fake.add_user("U0BOB", "bob", tz="Asia/Tokyo")  # a test set Bob up first: he stays as he is
    populate(fake, workspace, extra_people=["U0STRANGER"], extra_channels=["C0REACT000"])
    assert fake.users["U0ALICE"].name == fake.users["U0ALICE"].real_name == "alice"
    assert fake.users["U0BOB"].tz == "Asia/Tokyo" and fake.users["U0STRANGER"].name == "stranger"
    people = [u for u in fake.users if u != fake.bot_user_id]
    assert people == ["U0BOB", *sorted(set(people) - {"U0BOB"})]  # in id order after whoever was there
    assert {c.name for c in fake.channels.values()} == {"intake", "support", "eng", "sales", "mgmt", "react000"}
    for channel in fake.channels.values():
        assert set(channel.members) == {*people, fake.bot_user_id}, channel.id  # everyone, and the bot invited


def test_populate_readable_is_the_sandbox_cast_in_the_files_timezone(workspace: WorkspaceConfig) -> None:
    fake = SlackWorkspace()
    populate(fake, workspace, readable=True, extra_people=["U0STRANGER"])
    assert fake.users[REQUESTER_ID].real_name == "Riley Requester" and fake.users["U0LEADSUP"].name == "suplead"
    assert fake.users["U0ALICE"].tz == workspace.timezone and "U0STRANGER" in fake.channels["C0INTAKE"].members
    assert [c.name for c in fake.channels.values()] == list(channel_names(workspace).values())
