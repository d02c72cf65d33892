"""Logging set-up: plain or JSON lines, and a filter that keeps tokens and secrets out of every line.

The filter sits on the handler, so it sees every record that is written — ours, Bolt's, slack_sdk's
(which logs request bodies at DEBUG), aiohttp's — and rewrites message, traceback and stack before any
formatter runs.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

# Slack token shapes (bot, user, app-level, refresh, config) — masked wherever they appear.
_TOKEN = re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+")
# The password in a URL (``postgresql://user:password@host/db``).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@")
# slack_sdk's web client formats a debug line holding each call's whole request and answer whenever this logger's
# own level is unset: it tests ``logger.level``, not whether debug is on. That cost ~0.13 ms a call on the bench
# machine, for lines nobody reads; :func:`configure` gives it the root's level, so they are made only for DEBUG.
SLACK_SDK_CLIENT_LOGGER = "slack_sdk.web.async_base_client"
# Libraries whose INFO and DEBUG lines are noise (every SQL statement, every access) rather than news.
NOISY_LOGGERS = ("aiohttp.access", "sqlalchemy.engine", "aiosqlite", "asyncio", "alembic.runtime.migration")
# Libraries that write a line per routine run (APScheduler: "Running job", "executed successfully" every tick;
# httpx: every request). Useful when debugging, so they speak at LOG_LEVEL=DEBUG and keep to warnings otherwise.
CHATTY_LOGGERS = ("apscheduler", "httpx")


class RedactSecrets(logging.Filter):
    """Masks Slack tokens, URL passwords and the given secret values in message, arguments and traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        text = _TOKEN.sub("xox*-***", text)
        text = _URL_PASSWORD.sub(r"\g<head>***@", text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so no handler formats the raw one later.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, traceback included, so a log shipper never splits an entry."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def build_handler(
    *, json_lines: bool = False, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """The handler ``configure`` installs: our format, and redaction before anything is written."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets))
    return handler


def configure(level: str = "INFO", *, json_lines: bool = False, secrets: Iterable[str] = ()) -> None:
    """Called once by the CLI; libraries and tests leave the root logger alone."""
    root = logging.getLogger()
    root.handlers[:] = [build_handler(json_lines=json_lines, secrets=secrets)]
    root.setLevel(level.upper())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for chatty in CHATTY_LOGGERS:
        logging.getLogger(chatty).setLevel(
            logging.NOTSET if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
        )
    logging.getLogger(SLACK_SDK_CLIENT_LOGGER).setLevel(root.level)
    logging.captureWarnings(True)  # Python's warnings become records too, in the same format
