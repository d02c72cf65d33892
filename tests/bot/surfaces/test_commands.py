from __future__ import annotations

import pytest

from bot.surfaces.commands import ParsedCommand, Subcommand, parse_ticket_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ParsedCommand(Subcommand.OPEN)),  # no text: the new-ticket form
        ("help", ParsedCommand(Subcommand.HELP)),
        ("Customer cannot log in", ParsedCommand(Subcommand.OPEN, text="Customer cannot log in")),
        (
            "urgent site is down for ACME",
            ParsedCommand(Subcommand.OPEN, text="site is down for ACME", priority="urgent"),
        ),
        ("客户要求退款", ParsedCommand(Subcommand.OPEN, text="客户要求退款")),
        ("list", ParsedCommand(Subcommand.LIST)),  # the asker's default list: decided by who asks
        ("list mine", ParsedCommand(Subcommand.LIST, scope="mine")),
        ("list overdue", ParsedCommand(Subcommand.LIST, scope="overdue")),
        ("list everything", ParsedCommand(Subcommand.LIST, usage_key="usage.list")),
        ("show sup-12", ParsedCommand(Subcommand.SHOW, key="SUP-12")),
        ("show", ParsedCommand(Subcommand.SHOW, usage_key="usage.show")),
        ("show twelve", ParsedCommand(Subcommand.SHOW, text="twelve", usage_key="error.bad_key")),
        ("ack SUP-3", ParsedCommand(Subcommand.ACK, key="SUP-3")),
        ("assign SUP-3 <@U0BOB|bob>", ParsedCommand(Subcommand.ASSIGN, key="SUP-3", user_id="U0BOB")),
        (
            "assign SUP-3 <@U0BOB|bob> knows billing",
            ParsedCommand(Subcommand.ASSIGN, key="SUP-3", user_id="U0BOB", text="knows billing"),
        ),
        ("assign SUP-3 U0BOB", ParsedCommand(Subcommand.ASSIGN, key="SUP-3", user_id="U0BOB")),
        # Slack escapes every @name it knows: one left as typed is nobody in the workspace, not a usage mistake.
        ("assign SUP-3 @zed", ParsedCommand(Subcommand.ASSIGN, key="SUP-3", unknown_person="zed")),
        (
            "assign SUP-3 @zed.w knows billing",
            ParsedCommand(Subcommand.ASSIGN, key="SUP-3", unknown_person="zed.w", text="knows billing"),
        ),
        ("assign SUP-3 @", ParsedCommand(Subcommand.ASSIGN, key="SUP-3", usage_key="usage.assign")),
        ("assign SUP-3 <#C0INTAKE|intake>", ParsedCommand(Subcommand.ASSIGN, key="SUP-3", usage_key="usage.assign")),
        ("close SUP-3 refunded in full", ParsedCommand(Subcommand.CLOSE, key="SUP-3", text="refunded in full")),
        ("close SUP-3", ParsedCommand(Subcommand.CLOSE, key="SUP-3")),
        ("reopen ENG-9", ParsedCommand(Subcommand.REOPEN, key="ENG-9")),
        ("reopen ENG-9 still broken", ParsedCommand(Subcommand.REOPEN, key="ENG-9", text="still broken")),
        (
            "escalate SUP-3 customer threatens to leave",
            ParsedCommand(Subcommand.ESCALATE, key="SUP-3", text="customer threatens to leave"),
        ),
        ("shwo SUP-3", ParsedCommand(Subcommand.HELP, text="shwo", usage_key="error.unknown_subcommand")),
        ("lst", ParsedCommand(Subcommand.HELP, text="lst", usage_key="error.unknown_subcommand")),
        ("urgent", ParsedCommand(Subcommand.OPEN, priority="urgent")),  # the form, with the priority chosen
    ],
)
def test_parse(text: str, expected: ParsedCommand) -> None:
    assert parse_ticket_command(text) == expected


def test_away_and_back_take_no_key() -> None:
    assert parse_ticket_command("away") == ParsedCommand(Subcommand.AWAY)
    assert parse_ticket_command("back") == ParsedCommand(Subcommand.BACK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ask SUP-3 eng Was order 1042 charged twice?",
            ParsedCommand(Subcommand.ASK, key="SUP-3", department="ENG", text="Was order 1042 charged twice?"),
        ),
        (
            "ask SUP-3 ENG urgent is the gateway down?",
            ParsedCommand(
                Subcommand.ASK, key="SUP-3", department="ENG", priority="urgent", text="is the gateway down?"
            ),
        ),
        ("ask SUP-3 ENG", ParsedCommand(Subcommand.ASK, key="SUP-3", department="ENG")),  # the service asks for it
        ("ask SUP-3", ParsedCommand(Subcommand.ASK, key="SUP-3", usage_key="usage.ask")),
        ("ask SUP-3 <@U0BOB> why", ParsedCommand(Subcommand.ASK, key="SUP-3", usage_key="usage.ask")),
        ("answer ENG-7 Yes, twice", ParsedCommand(Subcommand.ANSWER, key="ENG-7", text="Yes, twice")),
        ("answer", ParsedCommand(Subcommand.ANSWER, usage_key="usage.answer")),
        # block: a consult's key first waits for its answer; anything else is a note, as before
        ("block SUP-3 eng-7", ParsedCommand(Subcommand.BLOCK, key="SUP-3", consult_key="ENG-7")),
        (
            "block SUP-3 ENG-7 until they know",
            ParsedCommand(Subcommand.BLOCK, key="SUP-3", consult_key="ENG-7", text="until they know"),
        ),
        ("block SUP-3 bank closed", ParsedCommand(Subcommand.BLOCK, key="SUP-3", text="bank closed")),
        ("decline ENG-7 billing is Sales'", ParsedCommand(Subcommand.DECLINE, key="ENG-7", text="billing is Sales'")),
    ],
)
def test_parse_consults(text: str, expected: ParsedCommand) -> None:
    assert parse_ticket_command(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rate sup-3 4", ParsedCommand(Subcommand.RATE, key="SUP-3", score="4")),
        ("rate SUP-3 2 took a week", ParsedCommand(Subcommand.RATE, key="SUP-3", score="2", text="took a week")),
        ("rate SUP-3 nine", ParsedCommand(Subcommand.RATE, key="SUP-3", score="nine")),  # the workflow refuses it
        ("rate SUP-3", ParsedCommand(Subcommand.RATE, key="SUP-3", usage_key="usage.rate")),
        ("rate", ParsedCommand(Subcommand.RATE, usage_key="usage.rate")),
    ],
)
def test_parse_a_rating(text: str, expected: ParsedCommand) -> None:
    assert parse_ticket_command(text) == expected
