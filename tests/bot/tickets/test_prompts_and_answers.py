"""The pure rules behind prompts and answers: which DM's buttons still stand, and which waiting ticket a DM answers."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.surfaces.ids import OutboxPurpose
from bot.tickets import answers, prompts
from bot.tickets.prompts import PromptRef
from storage.models import OutboxMessage, Ticket
from storage.prompts import SentPrompt

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def ticket(key: str = "SUP-1", status: str = "resolved", pending: str | None = None, id: int = 1) -> Ticket:
    return Ticket(id=id, key=key, status=status, requester_id="U0ERIN", owner_id="U0ALICE", pending_owner_id=pending)


def sent(row_id: int, purpose: OutboxPurpose, to: str, *, settled: bool = False, ts: str | None = None) -> SentPrompt:
    row = OutboxMessage(
        id=row_id,
        ticket_id=1,
        purpose=purpose.value,
        method="chat.postMessage",
        payload={"channel": to, "text": f"prompt {row_id}"},
        created_at=NOW,
        next_attempt_at=NOW,
        result_channel="D0ERIN" if ts else None,
        result_ts=ts,
    )
    return SentPrompt(row, settled)


def test_a_resolution_prompt_stands_only_while_resolved_and_newest() -> None:
    old = sent(1, OutboxPurpose.RESOLUTION_PROMPT, "U0ERIN", ts="1.1")
    new = sent(5, OutboxPurpose.RESOLUTION_PROMPT, "U0ERIN", ts="5.5")
    both = [old, new]
    assert not prompts.stands(old, both, ticket(status="resolved"))  # a newer resolution asks again
    assert prompts.stands(new, both, ticket(status="resolved"))
    assert not prompts.stands(new, both, ticket(status="closed"))
    assert prompts.to_settle(both, ticket(status="open")) == both
    assert prompts.to_settle([sent(1, OutboxPurpose.RESOLUTION_PROMPT, "U0ERIN", settled=True)], ticket("open")) == []


def test_an_offer_stands_while_the_ticket_is_offered_to_its_recipient() -> None:
    offer = sent(2, OutboxPurpose.HANDOFF_PROMPT, "U0BOB")
    resolution = sent(3, OutboxPurpose.RESOLUTION_PROMPT, "U0ERIN")  # another kind: does not replace the offer
    found = [offer, resolution]
    assert prompts.stands(offer, found, ticket(status="acknowledged", pending="U0BOB"))
    assert not prompts.stands(offer, found, ticket(status="acknowledged", pending="U0CAROL"))
    assert not prompts.stands(offer, found, ticket(status="acknowledged", pending=None))


def test_a_click_is_matched_to_the_prompt_slack_put_there() -> None:
    found = [sent(1, OutboxPurpose.RESOLUTION_PROMPT, "U0ERIN", ts="1.1"), sent(2, OutboxPurpose.HANDOFF_PROMPT, "U0B")]
    assert prompts.clicked(found, PromptRef("D0ERIN", "1.1")) is found[0]
    assert prompts.clicked(found, PromptRef("D0ERIN", "9.9")) is None  # e.g. the card, posted in a DM


def test_only_the_requester_ends_a_wait() -> None:
    assert answers.waits_on(ticket(status="waiting"), "U0ERIN")
    assert not answers.waits_on(ticket(status="waiting"), "U0ALICE")
    assert not answers.waits_on(ticket(status="blocked"), "U0ERIN")  # blocked does not wait on the requester


def test_which_ticket_a_dm_answers() -> None:
    one, two = ticket("SUP-1", "waiting", id=1), ticket("SUP-12", "waiting", id=12)
    departments = ["SUP", "ENG"]

    def choose(waiting: list[Ticket], text: str, *, in_thread: bool = False, about: int | None = None) -> object:
        answer = answers.choose(waiting, text, departments, in_thread=in_thread, thread_about=about)
        return answer.ticket.key if answer.ticket is not None else answer.waiting

    assert choose([one], "the order is 1234") == "SUP-1"
    assert choose([one, two], "the order is 1234") == ["SUP-1", "SUP-12"]  # never guessed
    assert choose([one, two], "about sup-12: order 1234") == "SUP-12"
    assert choose([one, two], "SUP-1 and SUP-12 are the same order") == ["SUP-1", "SUP-12"]
    assert choose([one, two], "anything", in_thread=True, about=12) == "SUP-12"
    assert choose([one], "a reply under another message", in_thread=True) == ["SUP-1"]
    assert choose([one], "this is about ENG-4, not the refund") == ["SUP-1"]  # names a ticket not waiting
    assert choose([one], "since COVID-19 we ship later") == "SUP-1"  # not a department: not a key
    assert choose([], "hello") == []


def test_an_answer_is_quoted_on_lines_of_its_own() -> None:
    assert answers.quoted("order 1234\npaid twice") == "\n>order 1234\n>paid twice"
    assert answers.quoted(None) == ""
