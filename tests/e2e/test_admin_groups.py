"""The Admin view with user groups (issue 20, points 1 and 3 together): a lead given as a user group edits its
department as each of its members; a department's group owners and group lead survive an edit of anything else
(Slack's people pickers hold people only), are shown as groups, and are added or removed in boxes of their own; a
typed id that is no user group is refused on its box and changes nothing. Through signed requests into the real
app and the fake Slack."""

from __future__ import annotations

from typing import Any

from bot.surfaces.ids import ActionId
from config.schema import WorkspaceConfig
from tests.support.admin import admin_view, database_workspace, dms_to, open_department, records, submit, view_text
from tests.support.harness import running_bot

NIGHT = "S0NIGHT"  # the fake workspace starts it with U0NIGHT1 and U0NIGHT2 (bot/sandbox/scene.py)
ENG_LEADS = "S0ENGLEADS"  # U0ENGLEADS1, U0ENGLEADS2


def with_groups(language: str = "en") -> WorkspaceConfig:
    """The example file edited from Slack (``config_source: database``), Support's owners ``U0ALICE`` and the night
    shift's group, Engineering's lead a group of two."""
    data = database_workspace(language).model_dump()
    for department in data["departments"]:
        if department["key"] == "SUP":
            department["owners"] = ["U0ALICE", NIGHT]
        if department["key"] == "ENG":
            department["lead"] = ENG_LEADS
    return WorkspaceConfig.model_validate(data)


def element(form: dict[str, Any], block_id: str) -> dict[str, Any]:
    [block] = [b for b in form["blocks"] if b.get("block_id") == block_id]
    found: dict[str, Any] = block["element"]
    return found


def inputs(form: dict[str, Any]) -> set[str]:
    return {block["block_id"] for block in form["blocks"] if block["type"] == "input"}


async def test_a_lead_given_as_a_user_group_edits_its_department_as_each_member(database_url: str) -> None:
    async with running_bot(database_url, with_groups()) as bot:
        view = view_text(await admin_view(bot, "U0ENGLEADS1"))
        assert "`ENG`" in view and "`SUP`" not in view
        assert f"Lead: <!subteam^{ENG_LEADS}> ·" in view  # the group, not a person named S0ENGLEADS
        form = await open_department(bot, "U0ENGLEADS2", "ENG")
        assert inputs(form) == {"owners", "owner_groups", "keywords"}
        assert await submit(bot, form, "U0ENGLEADS2", {"owners": ["U0DAN"]}) == {}
        assert bot.services.workspace.department("ENG").owners == ["U0DAN"]
        assert (await records(bot))[-1].actor_id == "U0ENGLEADS2"

        before = len(await records(bot))
        opened = len(bot.fake.calls_to("views.open"))
        assert (await bot.click_on_home(ActionId.ADMIN_EDIT_DEPARTMENT, "SUP", "U0ENGLEADS1")).status_code == 200
        await bot.drain()
        assert len(bot.fake.calls_to("views.open")) == opened
        assert any("<@U0LEADSUP>" in text for text in dms_to(bot, "U0ENGLEADS1"))
        assert len(await records(bot)) == before


async def test_group_owners_and_a_group_lead_survive_an_edit_and_have_boxes_of_their_own(database_url: str) -> None:
    async with running_bot(database_url, with_groups()) as bot:
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert element(form, "owners")["initial_users"] == ["U0ALICE"]  # a people picker: no group in it
        assert element(form, "owner_groups")["initial_value"] == NIGHT
        # Slack sends back the people picked and the box as it stands: the group stays an owner.
        answers = {"owners": ["U0ALICE"], "keywords": "refund, chargeback"}
        assert await submit(bot, form, "U0ADMIN", answers) == {}
        support = bot.services.workspace.department("SUP")
        assert (support.owners, support.keywords) == (["U0ALICE", NIGHT], ["refund", "chargeback"])
        assert bot.services.workspace.owners_of(support) == ["U0ALICE", "U0NIGHT1", "U0NIGHT2"]

        engineering = await open_department(bot, "U0ADMIN", "ENG")
        assert "initial_user" not in element(engineering, "lead")
        assert element(engineering, "lead_group")["initial_value"] == ENG_LEADS
        assert await submit(bot, engineering, "U0ADMIN", {"keywords": "bug, crash"}) == {}
        assert bot.services.workspace.department("ENG").lead == ENG_LEADS
        engineering = await open_department(bot, "U0ADMIN", "ENG")
        assert await submit(bot, engineering, "U0ADMIN", {"lead_group": None, "lead": "U0LEADENG"}) == {}
        assert bot.services.workspace.department("ENG").lead == "U0LEADENG"

        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owner_groups": None}) == {}
        assert bot.services.workspace.department("SUP").owners == ["U0ALICE"]
        view = view_text(await admin_view(bot, "U0ADMIN"))
        assert f"Owners: <@U0ALICE>, <!subteam^{NIGHT}> → <@U0ALICE>" in view
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owner_groups": f"{NIGHT}, {ENG_LEADS}"}) == {}
        assert bot.services.workspace.department("SUP").owners == ["U0ALICE", NIGHT, ENG_LEADS]

        before = len(await records(bot))
        form = await open_department(bot, "U0ADMIN", "SUP")
        answer = await submit(bot, form, "U0ADMIN", {"owner_groups": "@oncall"})
        assert answer["response_action"] == "errors" and set(answer["errors"]) == {"owner_groups"}
        assert "S0123ABCD" in answer["errors"]["owner_groups"]
        assert len(await records(bot)) == before

        # Owners that are all groups: no person need be picked (check-config still wants an owner).
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert await submit(bot, form, "U0ADMIN", {"owners": [], "owner_groups": NIGHT}) == {}
        assert bot.services.workspace.department("SUP").owners == [NIGHT]
        form = await open_department(bot, "U0ADMIN", "SUP")
        assert "initial_users" not in element(form, "owners")
        answer = await submit(bot, form, "U0ADMIN", {"owner_groups": None})
        assert answer["response_action"] == "errors" and set(answer["errors"]) == {"owners"}


async def test_the_boxes_in_chinese(database_url: str) -> None:
    async with running_bot(database_url, with_groups("zh")) as bot:
        form = await open_department(bot, "U0ADMIN", "SUP")
        labels = {block["block_id"]: block["label"]["text"] for block in form["blocks"] if block["type"] == "input"}
        assert (labels["owner_groups"], labels["lead_group"]) == ("处理人中的用户组", "或以用户组为负责人")
        assert "用户组 ID" in view_text(form)
