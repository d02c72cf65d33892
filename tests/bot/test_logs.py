from __future__ import annotations

import logging

import pytest

from bot.logs import JsonFormatter, RedactSecrets


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
