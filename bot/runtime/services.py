"""The services one running bot shares between its listeners, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.outbox.sender import OutboxSender
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.runtime.replays import RequestReplays
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.catch_up import CatchUp
from bot.schedule.digest import DigestService
from bot.schedule.reminders import ReminderService
from bot.schedule.standups import StandupService
from bot.surfaces.replies import Replies
from bot.tickets.service import TicketService
from bot.tickets.workflow import WorkflowService
from config.schema import WorkspaceConfig
from storage.database import Database


@dataclass
class Services:
    workspace: WorkspaceConfig
    db: Database
    clock: Clock
    identity: SlackIdentity
    tickets: TicketService
    workflow: WorkflowService
    replies: Replies
    digest: DigestService
    standups: StandupService
    reminders: ReminderService
    catch_up: CatchUp
    metrics: Metrics
    replays: RequestReplays
    sender: OutboxSender | None = None

    @classmethod
    def build(
        cls,
        workspace: WorkspaceConfig,
        db: Database,
        clock: Clock,
        identity: SlackIdentity,
        metrics: Metrics | None = None,
    ) -> Services:
        metrics = metrics or Metrics()
        tickets = TicketService(db, workspace, clock, metrics=metrics)
        workflow = WorkflowService(db, workspace, clock, tickets.messages, metrics=metrics, opener=tickets.opener)
        catch_up = CatchUp(db, clock)
        return cls(
            workspace=workspace,
            db=db,
            clock=clock,
            identity=identity,
            tickets=tickets,
            workflow=workflow,
            replies=Replies(tickets, identity),
            digest=DigestService(db, workspace, clock, tickets.translator, identity=identity, catch_up=catch_up),
            standups=StandupService(db, workspace, clock, tickets.messages, catch_up=catch_up),
            reminders=ReminderService(db, workspace, clock, tickets.messages),
            catch_up=catch_up,
            metrics=metrics,
            replays=RequestReplays(db, clock),
        )

    def attach_sender(self, sender: OutboxSender) -> None:
        """Let services wake the sender as soon as their transaction has queued messages."""
        self.sender = sender
        self.tickets.attach_sender(sender)
        self.workflow.set_outbox_listener(sender.wake)
        self.digest.set_outbox_listener(sender.wake)
        self.standups.set_outbox_listener(sender.wake)
        self.reminders.set_outbox_listener(sender.wake)
