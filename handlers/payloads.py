"""Reading fields out of Slack payloads, refusing malformed ones with a reason instead of a KeyError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services import Services


class MalformedPayload(Exception):
    """A signed request whose payload lacks a field we need or has the wrong type for it."""


def services_of(context: AsyncBoltContext) -> Services:
    services = context.get("services")
    if not isinstance(services, Services):
        raise RuntimeError("the services middleware did not run")
    return services


def mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{name} must be an object")
    return value


def text(container: Any, name: str, *, required: bool = True, default: str = "") -> str:
    value = mapping(container, "payload").get(name)
    if value is None:
        if required:
            raise MalformedPayload(f"missing {name}")
        return default
    if not isinstance(value, str):
        raise MalformedPayload(f"{name} must be a string")
    return value


def optional_text(container: Any, name: str) -> str | None:
    value = mapping(container, "payload").get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"{name} must be a string")
    return value
