"""The Admin view driven as people drive it: App Home's buttons and the forms they open, through signed requests."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlmodel import col, select

from bot.surfaces.ids import ActionId
from config.loader import EXAMPLE_PATH, parse_workspace
from config.schema import WorkspaceConfig
from storage.models import WorkspaceConfigRecord
from tests.support.harness import Harness

EXAMPLE = EXAMPLE_PATH.read_text(encoding="utf-8")
FILE_LINE = "config_source: file"


def example_with(*, source: str = "database", language: str = "en", replace: tuple[str, str] | None = None) -> str:
    """The example workspace file with ``config_source`` and ``language`` set (and one text replaced)."""
    assert FILE_LINE in EXAMPLE and "language: en" in EXAMPLE
    text = EXAMPLE.replace(FILE_LINE, f"config_source: {source}").replace("language: en", f"language: {language}")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    return text


def database_workspace(language: str = "en") -> WorkspaceConfig:
    return parse_workspace(example_with(language=language))


async def admin_view(bot: Harness, user: str) -> dict[str, Any]:
    """Click *Admin* on ``user``'s App Home; the Admin view the bot published there."""
    response = await bot.click_on_home(ActionId.ADMIN_OPEN, "admin", user)
    assert response.status_code == 200, response.text
    await bot.drain()
    view = bot.fake.home_view(user)
    assert view is not None, f"nothing published on {user}'s App Home"
    return view


def view_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


async def open_department(bot: Harness, user: str, key: str) -> dict[str, Any]:
    """Click *Edit* by ``key`` in the Admin view; the form it opened."""
    opened = len(bot.fake.calls_to("views.open"))
    response = await bot.click_on_home(ActionId.ADMIN_EDIT_DEPARTMENT, key, user)
    assert response.status_code == 200, response.text
    assert len(bot.fake.calls_to("views.open")) == opened + 1, "no form opened"
    return bot.opened_view()


async def submit(bot: Harness, view: dict[str, Any], user: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Submit ``view`` with ``answers``; what the bot answered Slack (``{}`` when it just closed the form)."""
    response: httpx.Response = await bot.submit(view, user, answers)
    assert response.status_code == 200, response.text
    return response.json() if response.content else {}


async def records(bot: Harness) -> list[WorkspaceConfigRecord]:
    async with bot.services.db.read() as session:
        statement = select(WorkspaceConfigRecord).order_by(col(WorkspaceConfigRecord.id))
        return list((await session.exec(statement)).all())


async def owner_of_next(bot: Harness, text: str, key: str) -> str:
    """Post ``text`` in the intake channel; who owns the ticket ``key`` it opens."""
    await bot.intake_message(text)
    await bot.drain()
    return (await bot.ticket(key)).owner_id


def dms_to(bot: Harness, user: str) -> list[str]:
    """The texts the bot posted to ``user``'s DM (refusals of App Home's buttons arrive there)."""
    return [
        str(call.args.get("text")) for call in bot.fake.calls_to("chat.postMessage") if call.args.get("channel") == user
    ]
