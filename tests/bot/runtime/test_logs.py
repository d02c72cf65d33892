from __future__ import annotations

import json
import logging
import sys

import pytest

from bot.runtime.logs import JsonFormatter, RedactSecrets


def test_tokens_and_secrets_are_masked_in_messages_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("crossdesk.test.redact")
    redactor = RedactSecrets(["my-signing-secret-123"])
    caplog.handler.addFilter(redactor)
    try:
        logger.warning("token %s and secret %s", "xoxb-1234-abcd-EFGH", "my-signing-secret-123")
        try:
            raise RuntimeError("failed with xapp-1-A0-123-abc")
        except RuntimeError:
            logger.exception("boom")
    finally:
        caplog.handler.removeFilter(redactor)
    text = caplog.text
    assert "xoxb-1234" not in text and "my-signing-secret-123" not in text and "xapp-1-A0" not in text
    assert "xox*-***" in text and "***" in text


def test_json_lines() -> None:
    record = logging.LogRecord("crossdesk", logging.INFO, __file__, 1, "opened %s", ("SUP-1",), None)
    assert '"message": "opened SUP-1"' in JsonFormatter().format(record)


def test_database_passwords_in_urls_are_masked() -> None:
    redactor = RedactSecrets()
    assert redactor.redact("cannot reach postgresql://crossdesk:s3cr3t@db:5432/x") == (
        "cannot reach postgresql://crossdesk:***@db:5432/x"
    )
    assert redactor.redact("postgresql+asyncpg://:only-password@db/x") == "postgresql+asyncpg://:***@db/x"
    assert redactor.redact("postgresql://postgres@127.0.0.1/test") == "postgresql://postgres@127.0.0.1/test"


def test_json_line_carries_the_traceback_in_one_object() -> None:
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.LogRecord("crossdesk", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed" and "ValueError: bad" in entry["exception"]


@pytest.mark.parametrize(("level", "formats_debug"), [("INFO", False), ("WARNING", False), ("DEBUG", True)])
def test_slack_sdk_makes_its_per_call_debug_lines_only_when_debug_is_on(level: str, formats_debug: bool) -> None:
    # slack_sdk decides whether to format a call's debug line from its logger's own level (``level <= DEBUG``,
    # which an unset level passes); configure() sets that level, and puts the root's handlers back afterwards.
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.runtime import logs

    root = logging.getLogger()
    saved = (root.level, root.handlers[:], logging.getLogger(logs.SLACK_SDK_CLIENT_LOGGER).level)
    try:
        logs.configure(level)
        client_logger = AsyncWebClient(token="xoxb-test").logger
        assert (client_logger.level <= logging.DEBUG) is formats_debug
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger(logs.SLACK_SDK_CLIENT_LOGGER).setLevel(saved[2])
        logging.captureWarnings(False)


@pytest.mark.parametrize(("level", "shows_runs"), [(None, False), ("WARNING", False), ("DEBUG", True)])
async def test_the_ticker_writes_no_line_per_run_unless_debug_is_on(
    level: str | None, shows_runs: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    # APScheduler logs "Running job ..." and "... executed successfully" at INFO on every tick (every 15 s).
    import asyncio

    from bot.runtime import logs
    from bot.schedule.ticker import Ticker
    from config.settings import Settings

    root = logging.getLogger()
    chatty = {name: logging.getLogger(name).level for name in ("apscheduler", "httpx", *logs.NOISY_LOGGERS)}
    saved = (root.level, root.handlers[:], logging.getLogger(logs.SLACK_SDK_CLIENT_LOGGER).level)
    ticked = asyncio.Event()

    async def job() -> None:
        ticked.set()

    ticker = Ticker({"job": job}, interval_seconds=0.01)
    try:
        logs.configure(level or str(Settings.model_fields["log_level"].default))  # None: what `crossdesk run` uses
        ticker.start()
        await asyncio.wait_for(ticked.wait(), timeout=10)
    finally:
        ticker.shutdown()
        await ticker.wait_idle()
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger(logs.SLACK_SDK_CLIENT_LOGGER).setLevel(saved[2])
        for name, previous in chatty.items():
            logging.getLogger(name).setLevel(previous)
        logging.captureWarnings(False)
    written = capsys.readouterr().err
    assert ("Running job" in written) is shows_runs, written
    assert ("Scheduler started" in written) is shows_runs, written
