"""The services one running bot shares between its listeners, built once at start-up, here and nowhere else.

Everything a service needs is passed to its constructor: the outbox first (a sending one in a running bot, a
queue-only one otherwise), then the translator and the ticket messenger every service writes its messages with.
Nothing is attached afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.admin.service import AdminService
from bot.customers.directory import CustomerDirectory
from bot.customers.risk import RiskWatch
from bot.customers.service import CustomerService
from bot.outbox.interface import Outbox, QueueOnly
from bot.outbox.sender import OutboxSender, SlackAccess
from bot.people.groups import PeopleService
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.runtime.replays import RequestReplays
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.catch_up import CatchUp
from bot.schedule.digest import DigestService
from bot.schedule.reminders import ReminderService
from bot.schedule.standups import StandupService
from bot.schedule.turns import Turns
from bot.schedule.weekly_review import WeeklyReviewService
from bot.surfaces.i18n import Translator
from bot.surfaces.replies import Replies
from bot.tickets.card_context import CardRelationsReader
from bot.tickets.notices import TicketMessenger
from bot.tickets.service import TicketService
from bot.tickets.workflow import WorkflowService
from config.live import LiveWorkspace, live
from config.schema import WorkspaceConfig
from storage.database import Database


@dataclass
class Services:
    live: LiveWorkspace
    db: Database
    clock: Clock
    identity: SlackIdentity
    translator: Translator
    outbox: Outbox
    tickets: TicketService
    workflow: WorkflowService
    replies: Replies
    digest: DigestService
    review: WeeklyReviewService
    standups: StandupService
    reminders: ReminderService
    catch_up: CatchUp
    metrics: Metrics
    replays: RequestReplays
    customers: CustomerService
    customer_risk: RiskWatch
    people: PeopleService
    admin: AdminService

    @property
    def workspace(self) -> WorkspaceConfig:
        """The running configuration (a reload swaps it inside ``live``, for every service at once)."""
        return self.live.current

    @classmethod
    def build(
        cls,
        workspace: WorkspaceConfig | LiveWorkspace,
        db: Database,
        clock: Clock,
        identity: SlackIdentity,
        metrics: Metrics | None = None,
        *,
        slack: SlackAccess | None = None,
        turns: Turns | None = None,
    ) -> Services:
        """The services of one process. With ``slack`` their outbox sends (an :class:`OutboxSender`, which the app
        runs); without it, it only queues (:class:`QueueOnly`: a CLI command, a test, a benchmark of the database
        alone), and a running bot sends the rows later. ``turns``: the tick grid the jobs that speak to people
        take turns on, and the name this process takes them under (the defaults: 15 s, a fresh name)."""
        turns = turns or Turns()
        metrics = metrics or Metrics()
        workspace = live(workspace)
        translator = Translator(workspace.current.language)
        workspace.on_swap(lambda new: translator.switch(new.language))
        # Who the customers are, known by heart: read at start-up (``load``), refreshed by the ticker.
        directory = CustomerDirectory()
        messages = TicketMessenger(workspace, translator, directory)
        # What a card shows besides its ticket (its consults, a consult's parent) is read by the sender when it
        # draws the card; links in it need the workspace's address, known once ``auth.test`` answered.
        relations = CardRelationsReader(lambda: identity.url)
        outbox: Outbox = (
            QueueOnly(db)
            if slack is None
            else OutboxSender(db, clock, identity, slack, cards=messages, metrics=metrics, card_relations=relations)
        )
        tickets = TicketService(db, workspace, clock, outbox, messages, metrics=metrics, customers=directory)
        workflow = WorkflowService(db, workspace, clock, outbox, messages, metrics=metrics, opener=tickets.opener)
        catch_up = CatchUp(db, clock)
        customers = CustomerService(db, directory, workflow, tickets)
        return cls(
            live=workspace,
            db=db,
            clock=clock,
            identity=identity,
            translator=translator,
            outbox=outbox,
            tickets=tickets,
            workflow=workflow,
            replies=Replies(tickets, identity),
            digest=DigestService(db, workspace, clock, outbox, translator, identity=identity, catch_up=catch_up),
            review=WeeklyReviewService(db, workspace, clock, outbox, translator, catch_up=catch_up),
            standups=StandupService(db, workspace, clock, outbox, messages, catch_up=catch_up, turns=turns),
            reminders=ReminderService(db, workspace, clock, outbox, messages, turns=turns),
            catch_up=catch_up,
            metrics=metrics,
            replays=RequestReplays(db, clock),
            customers=customers,
            customer_risk=RiskWatch(db, workspace, clock, outbox, messages, directory),
            people=PeopleService(db, workspace, clock),
            admin=AdminService(db, workspace, clock, outbox, messages, customers),
        )
