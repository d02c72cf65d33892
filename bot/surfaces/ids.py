"""Every Slack id Crossdesk owns: action ids, callback ids, block ids. Builders and listeners import these."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    ACKNOWLEDGE = "crossdesk.ticket.acknowledge"
    REASSIGN = "crossdesk.ticket.reassign"
    ESCALATE = "crossdesk.ticket.escalate"
    RESOLVE = "crossdesk.ticket.resolve"
    ACCEPT_HANDOFF = "crossdesk.handoff.accept"
    DECLINE_HANDOFF = "crossdesk.handoff.decline"
    CONFIRM = "crossdesk.resolution.confirm"
    REOPEN = "crossdesk.resolution.reopen"
    PAUSE = "crossdesk.ticket.pause"  # an overflow menu: waiting on the requester / blocked
    RESUME = "crossdesk.ticket.resume"
    ASK_CONSULT = "crossdesk.consult.ask"  # on a ticket's card: ask another department (opens a form)
    ANSWER_CONSULT = "crossdesk.consult.answer"  # on a consult's card: answer it (opens a form)
    DECLINE_CONSULT = "crossdesk.consult.decline"  # on a consult's card: decline it with a reason (opens a form)
    # Inside forms: changing the department re-renders the "who would get it" line.
    FORM_DEPARTMENT = "crossdesk.form.department"
    FORM_VALUE = "crossdesk.form.value"  # every other input in our forms; its block id says which one
    CUSTOMER_SELECT = "crossdesk.customer.select"  # the type-ahead picking a customer in forms (external_select)
    SHOW_CUSTOMER = "crossdesk.customer.show"  # on a card: the customer's own card
    CHANGE_CUSTOMER = "crossdesk.customer.change"  # on a card: another customer, or none (opens a form)
    STANDUP_ANSWER = "crossdesk.standup.answer"  # on the stand-up DM: open the answer form
    STANDUP_SKIP = "crossdesk.standup.skip"
    STANDUP_BLOCKER_TICKET = "crossdesk.standup.blocker_ticket"  # in the summary: a ticket from a blocker
    # On the rating DM of a resolved ticket, one per score (Slack wants action ids unique within a block); the
    # score itself is the button's value, ``1``…``5``, and only the value counts.
    RATE_1 = "crossdesk.rating.score.1"
    RATE_2 = "crossdesk.rating.score.2"
    RATE_3 = "crossdesk.rating.score.3"
    RATE_4 = "crossdesk.rating.score.4"
    RATE_5 = "crossdesk.rating.score.5"
    RATING_COMMENT = "crossdesk.rating.comment"  # on the rating DM: *Add a comment* (opens a form)
    # App Home's Admin view (bot/surfaces/admin_view.py): open it, back to the queue, and the buttons opening its forms.
    ADMIN_OPEN = "crossdesk.admin.open"
    ADMIN_BACK = "crossdesk.admin.back"
    ADMIN_EDIT_DEPARTMENT = "crossdesk.admin.department"  # the value is the department's key
    ADMIN_ADD_DEPARTMENT = "crossdesk.admin.department.add"
    ADMIN_EDIT_INTAKE = "crossdesk.admin.intake"
    ADMIN_EDIT_SLA = "crossdesk.admin.sla"
    ADMIN_PICK_CUSTOMER = "crossdesk.admin.customer"  # opens the type-ahead choosing the customer to edit


RATE_BUTTONS = (ActionId.RATE_1, ActionId.RATE_2, ActionId.RATE_3, ActionId.RATE_4, ActionId.RATE_5)


class CallbackId(StrEnum):
    NEW_TICKET = "crossdesk.view.new_ticket"
    REASSIGN = "crossdesk.view.reassign"
    DECLINE = "crossdesk.view.decline"
    RESOLVE = "crossdesk.view.resolve"
    ESCALATE = "crossdesk.view.escalate"
    CREATE_FROM_MESSAGE = "crossdesk.shortcut.create_ticket"  # the message shortcut
    NOTICE = "crossdesk.view.notice"  # a read-only modal telling the person why something was refused
    STANDUP_ANSWER = "crossdesk.view.standup_answer"
    ASK_CONSULT = "crossdesk.view.ask_consult"
    ANSWER_CONSULT = "crossdesk.view.answer_consult"
    DECLINE_CONSULT = "crossdesk.view.decline_consult"
    CHANGE_CUSTOMER = "crossdesk.view.change_customer"
    CUSTOMER = "crossdesk.view.customer"  # the customer's card, opened from a ticket's card (read-only)
    RATING_COMMENT = "crossdesk.view.rating_comment"
    ADMIN_DEPARTMENT = "crossdesk.view.admin.department"  # a department changed or added from the Admin view
    ADMIN_INTAKE = "crossdesk.view.admin.intake"
    ADMIN_SLA = "crossdesk.view.admin.sla"
    ADMIN_CUSTOMER_PICK = "crossdesk.view.admin.customer_pick"  # which customer; answered with the next form
    ADMIN_CUSTOMER = "crossdesk.view.admin.customer"  # the customer's name, aliases, stage, account manager


class BlockId(StrEnum):
    CARD_SUMMARY = "crossdesk.card.summary"
    CARD_FIELDS = "crossdesk.card.fields"
    CARD_ACTIONS = "crossdesk.card.actions"
    CARD_CONTEXT = "crossdesk.card.context"
    CARD_CONSULTS = "crossdesk.card.consults"  # a ticket's open questions to other departments
    CARD_PARENT = "crossdesk.card.parent"  # a consult's card: the ticket it is about
    CARD_QUESTION = "crossdesk.card.question"  # a consult's card: the question in full
    CARD_LINKS = "crossdesk.card.links"  # related tickets, duplicates
    CARD_CUSTOMER = "crossdesk.card.customer"  # the customer it is for, its stage and account manager
    CARD_CUSTOMER_ACTIONS = "crossdesk.card.customer.actions"  # Customer, Change customer
    PROMPT_ACTIONS = "crossdesk.prompt.actions"  # Accept/Decline, Confirm/Reopen
    FORM_TITLE = "title"
    FORM_DESCRIPTION = "description"
    FORM_DEPARTMENT = "department"
    FORM_OWNER_HINT = "owner_hint"
    FORM_PRIORITY = "priority"
    FORM_CUSTOMER = "customer"
    FORM_STAGE = "stage"
    FORM_COMPLAINT = "complaint"
    FORM_PERSON = "person"
    FORM_REASON = "reason"
    FORM_NOTE = "note"
    FORM_QUESTION = "question"
    FORM_ANSWER = "answer"
    FORM_WAIT = "wait"
    FORM_COMMENT = "comment"
    # The Admin view's forms: each block id is the workspace file's own name for what it holds, so check-config's
    # problems land on their field (bot/admin/edits.py); the SLA's are "sla.<priority>.<acknowledge|resolve>".
    ADMIN_NAV = "crossdesk.admin.nav"
    ADMIN_KEY = "key"
    ADMIN_NAME = "name"
    ADMIN_CHANNEL = "channel"
    ADMIN_LEAD = "lead"
    ADMIN_OWNERS = "owners"
    ADMIN_OWNER_GROUPS = "owner_groups"  # the user groups (S…) among the owners, typed: Slack has no group picker
    ADMIN_LEAD_GROUP = "lead_group"  # a user group as lead, instead of a person
    ADMIN_KEYWORDS = "keywords"
    ADMIN_INTAKE = "intake_channels"
    ADMIN_ALIASES = "aliases"  # a customer's (its name is ADMIN_NAME); stage and manager as the file names them
    ADMIN_STAGE = "stage"
    ADMIN_MANAGER = "manager"
    # The rating DM's buttons: a prefix, ``crossdesk.rating.actions.<ticket key>`` (the buttons' values are scores).
    RATING_ACTIONS = "crossdesk.rating.actions"
    RATING_ALERT_ACTIONS = "crossdesk.rating.alert.actions"  # a low rating's alert: Reopen
    STANDUP_PROMPT_ACTIONS = "crossdesk.standup.prompt.actions"  # Answer / Skip today
    STANDUP_ANSWER = "standup_answer"  # prefix: one input per question, "standup_answer.0", ".1", …
    STANDUP_BLOCKER = "crossdesk.standup.blocker"  # prefix: a summary's answer with a blocker, ".<entry id>"


class Command(StrEnum):
    TICKET = "/ticket"
    STANDUP = "/standup"
    DIGEST = "/digest"
    CUSTOMER = "/customer"


class OutboxPurpose(StrEnum):
    """What an outbox row is for; decides how the sender fills in and uses it."""

    CARD = "card"  # the ticket card; its channel/ts become the ticket's card (and thread, if none)
    CARD_UPDATE = "card_update"  # chat.update of the card; channel/ts filled from the ticket at send time
    THREAD_NOTE = "thread_note"  # a line in the ticket's thread; channel/thread_ts filled at send time
    NOTICE = "notice"  # anything else: DMs, department channel posts
    REMINDER = "reminder"  # a person's overdue reminder; remembered so the next one replaces it
    STANDUP_PROMPT = "standup_prompt"  # a stand-up question DM; found again to update it once answered
    # DMs with buttons about a ticket ("prompts"): the channel/ts Slack gives them is recorded on the row when
    # sent, so a later change of the ticket can settle them (bot.tickets.prompts).
    HANDOFF_PROMPT = "handoff_prompt"  # Accept / Decline, to the person a hand-off is offered to
    RESOLUTION_PROMPT = "resolution_prompt"  # Confirm / Reopen, to the requester of a resolved ticket
    # The rating question to the requester (or account manager) of a resolved ticket: not settled by the ticket's
    # changes (a rating is welcome after it closes), only by the rating itself (bot.tickets.satisfaction).
    RATING_PROMPT = "rating_prompt"
    PROMPT_UPDATE = "prompt_update"  # chat.update of a settled prompt; channel/ts filled from the prompt's row
    # The rest of a message too long for one (a digest, a stand-up summary): posted in the thread of the message its
    # ``depends_on`` row posted, channel and thread_ts filled in at send time.
    THREAD_REPLY = "thread_reply"
