"""Answers to people (``Replies``): refusals worded from the catalogue, lists and confirmations, in en and zh.

Replies renders text only; a stand-in for the ticket service gives it the workspace, language and clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.errors import BadRequest, CrossdeskError, InvalidTransition, NotAllowed, TicketNotFound
from bot.runtime.slack_client import SlackIdentity
from bot.surfaces.i18n import Translator
from bot.surfaces.replies import HELP_LINES, Replies
from bot.tickets.opening import OpenResult
from bot.tickets.permissions import ALLOWED, Action
from config.loader import EXAMPLE_PATH, load_workspace
from config.schema import WorkspaceConfig
from storage.models import Ticket

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
LANGUAGES = [Translator("en"), Translator("zh")]


def replies(workspace: WorkspaceConfig, translator: Translator, url: str | None = None) -> Replies:
    service = SimpleNamespace(
        workspace=workspace,
        translator=translator,
        clock=SimpleNamespace(now=lambda: NOW),
        is_overdue=lambda ticket, now: ticket.ack_due_at is not None and ticket.ack_due_at <= now,
    )
    return Replies(service, SlackIdentity(url=url))  # type: ignore[arg-type]


def replies_of(language: str) -> Replies:
    return replies(load_workspace(EXAMPLE_PATH), Translator(language))


def ticket(key: str, **fields: Any) -> Ticket:
    values: dict[str, Any] = {
        "id": 1,
        "key": key,
        "department_key": key.split("-")[0],
        "number": 1,
        "owner_id": "U0ALICE",
        "requester_id": "U0ERIN",
        "title": f"Title of {key}",
        "text": "",
        "priority": "urgent",
        "status": "open",
        "source": "command",
        "created_at": NOW,
        "updated_at": NOW,
        "ack_due_at": NOW + timedelta(minutes=15),
        "resolve_due_at": NOW + timedelta(hours=4),
    }
    values.update(fields)
    return Ticket(**values)


def test_a_refusal_names_who_may_do_it_in_words() -> None:
    english = replies_of("en")
    error = NotAllowed(key="SUP-12", action="resolve", roles=[r.value for r in ALLOWED[Action.RESOLVE]])
    assert english.error(error) == "Only the owner or the department lead or an admin may resolve *SUP-12*."
    chinese = replies_of("zh").error(error)
    assert "SUP-12" in chinese and "owner" not in chinese and "resolve" not in chinese


def test_statuses_in_a_refusal_are_words_not_codes() -> None:
    for language in ("en", "zh"):
        r = replies_of(language)
        text = r.error(InvalidTransition(key="SUP-12", current="closed", target="waiting"))
        assert r.t("status.closed") in text and r.t("status.waiting") in text
        assert "closed" not in text.replace(r.t("status.closed"), "")  # only the translated word


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (TicketNotFound(key="SUP-99"), "error.ticket_not_found"),
        (BadRequest("usage.ack"), "usage.ack"),
        (CrossdeskError(), "error.generic"),
    ],
)
def test_each_domain_error_reads_as_its_catalogue_message(error: CrossdeskError, key: str) -> None:
    for language in ("en", "zh"):
        r = replies_of(language)
        assert r.error(error) == r.t(key, **error.params)


def test_an_error_missing_a_parameter_its_message_needs_falls_back_to_the_generic_message() -> None:
    r = replies_of("zh")
    assert r.error(TicketNotFound()) == r.t("error.generic")  # "{key}" has nothing to fill it


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_opened_says_who_owns_it_and_a_repeat_says_which_ticket_it_already_is(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    r = replies(workspace, translator)
    new = ticket("ENG-4")
    text = r.opened(OpenResult(new, created=True))
    assert text == translator.t(
        "command.opened",
        key="ENG-4",
        department="Engineering 研发",
        owner="U0ALICE",
        priority=translator.t("priority.urgent"),
        ack_due=r.date(new.ack_due_at),
    )
    assert r.opened(OpenResult(new, created=False)) == translator.t("command.exists", key="ENG-4")


def test_a_list_counts_in_words_that_read_right_and_marks_the_overdue(workspace: WorkspaceConfig) -> None:
    r = replies(workspace, Translator("en"))
    late = ticket("SUP-1", ack_due_at=NOW - timedelta(minutes=1))
    lines = r.ticket_list([late], "mine").splitlines()
    assert lines[0] == "1 ticket — yours and the ones you asked for:"
    assert lines[1] == "• *SUP-1* Title of SUP-1 — <@U0ALICE>, Open — waiting for its owner, Urgent · :warning: overdue"
    two = r.ticket_list([late, ticket("SUP-2")], "dept").splitlines()
    assert two[0] == "2 tickets — your department's:" and not two[2].endswith("overdue")
    assert r.ticket_list([], "overdue") == "No tickets — overdue."
    chinese = replies(workspace, Translator("zh")).ticket_list([late], "mine")
    assert chinese.startswith("共 1 张工单（我负责的和我提出的）：") and "已逾期" in chinese


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_help_explains_every_command_with_the_workspace_emoji(
    translator: Translator, workspace: WorkspaceConfig
) -> None:
    text = replies(workspace, translator).help()
    assert len(text.splitlines()) >= len(HELP_LINES)
    assert ":ticket:" in text


def test_usage_follows_the_problem_with_how_to_use_the_command(workspace: WorkspaceConfig) -> None:
    r = replies(workspace, Translator("en"))
    assert r.usage("usage.ack", "ack", "ack") == r.t("usage.ack")
    wrong = r.usage("error.unknown_subcommand", "frobnicate", "frobnicate")
    assert wrong.startswith("Unknown subcommand `frobnicate`.\n") and wrong.endswith(r.help())


def test_a_dm_that_answers_no_ticket_says_which_ones_wait(workspace: WorkspaceConfig) -> None:
    for translator in LANGUAGES:
        r = replies(workspace, translator)
        assert r.unclear_answer([]) == translator.t("dm.nothing_waiting")
        assert r.unclear_answer(["SUP-1", "ENG-2"]) == translator.t(
            "dm.answer_which", keys="*SUP-1*, *ENG-2*", example="SUP-1"
        )


def test_a_thread_link_needs_the_workspace_url_and_a_posted_card(workspace: WorkspaceConfig) -> None:
    posted = ticket("SUP-1", card_channel="C0SUPPORT", card_ts="1790000000.000100")
    assert replies(workspace, Translator("en")).thread_link(posted) is None  # no URL known from auth.test
    linked = replies(workspace, Translator("en"), "https://crossdesk.slack.com/")
    assert linked.thread_link(posted) == "https://crossdesk.slack.com/archives/C0SUPPORT/p1790000000000100"
    assert linked.thread_link(ticket("SUP-2")) is None  # not posted yet
