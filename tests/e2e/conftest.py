"""End-to-end fixtures. Every e2e test also runs as a secrets check: logging at DEBUG (slack_sdk then logs
each request it makes), written through the handler ``crossdesk run`` installs, must show no token, signing
secret or database password — in any message, traceback or Slack error."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import make_url

from bot.runtime import logs
from bot.sandbox.slack_requests import SIGNING_SECRET
from config.schema import WorkspaceConfig
from tests.support.harness import BOT_TOKEN, Harness, running_bot

TOKEN_SHAPE = re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+")
METRICS_TOKEN = "metrics-bearer-for-tests"  # a fixed test value; like the tokens, it must never be logged


def secret_values() -> list[str]:
    """What must never be written: the bot token, the signing secret, the metrics token, the test database's
    password."""
    values = [BOT_TOKEN, SIGNING_SECRET, METRICS_TOKEN]
    password = make_url(os.environ["TEST_POSTGRES_URL"]).password if os.environ.get("TEST_POSTGRES_URL") else None
    if password:
        values.append(str(password))
    return values


class DebugCapture:
    """Everything logged during a test, at DEBUG, as ``crossdesk run`` would write it."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logs.build_handler(secrets=secret_values(), stream=self.stream)
        self.handler.setLevel(logging.DEBUG)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def leaks(self) -> list[str]:
        """Lines with a secret value, or with anything shaped like a Slack token (the app token, say)."""
        secrets = secret_values()
        return [
            line[:200]
            for line in self.text.splitlines()
            if any(secret in line for secret in secrets) or TOKEN_SHAPE.search(line)
        ]


@pytest.fixture(autouse=True)
def debug_log_without_secrets() -> Iterator[DebugCapture]:
    root = logging.getLogger()
    capture = DebugCapture()
    noisy = {name: logging.getLogger(name).level for name in (*logs.NOISY_LOGGERS, logs.SLACK_SDK_CLIENT_LOGGER)}
    level = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.DEBUG)
    for name in logs.NOISY_LOGGERS:  # as ``logs.configure("DEBUG")`` leaves them
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger(logs.SLACK_SDK_CLIENT_LOGGER).setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
        root.setLevel(level)
        for name, previous in noisy.items():
            logging.getLogger(name).setLevel(previous)
    leaks = capture.leaks()
    assert not leaks, leaks[:5]


@pytest.fixture
async def bot(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    async with running_bot(database_url, workspace) as harness:
        yield harness
