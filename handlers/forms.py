"""Opening our forms (modals). Slack needs the ``views.open`` within three seconds of the click, so it
is made here, directly, before the request is answered — never inside a database transaction."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.services import Services
from bot.surfaces.views import View, new_ticket_modal
from bot.tickets.routing import route


async def open_form(client: AsyncWebClient, trigger_id: str, view: View) -> None:
    await client.views_open(trigger_id=trigger_id, view=view)


async def new_ticket_form(
    services: Services,
    *,
    title: str = "",
    description: str = "",
    metadata: dict[str, Any] | None = None,
    department_key: str | None = None,
    initial: dict[str, Any] | None = None,
) -> View:
    """The new-ticket form, with the routed department preselected and who would get the ticket shown.

    ``title`` and ``description`` are plain text, as the form shows them (``bot.text.to_plain``); what is
    submitted comes back as Slack text through ``form_values``.
    """
    workspace = services.workspace
    department = department_key or route(f"{title}\n{description}", workspace)
    next_owner = await services.tickets.next_owner(department)
    return new_ticket_modal(
        services.translator,
        workspace,
        department_key=department,
        next_owner=next_owner,
        title=title,
        description=description,
        metadata=metadata,
        initial=initial,
    )
