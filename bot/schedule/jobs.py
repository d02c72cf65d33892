"""What the ticker runs on every tick. Each job asks the database what is due and claims it."""

from __future__ import annotations

from bot.runtime.services import Services
from bot.schedule.ticker import Job


def scheduled_jobs(services: Services) -> dict[str, Job]:
    """Jobs by name, run in this order on every tick (one failing job does not stop the others)."""
    return {
        # User groups changed through another replica: their members read again before anything routes or reminds.
        "user_groups": services.people.load,
        "reminders": services.reminders.tick,
        "auto_close": services.workflow.auto_close,
        "digest": services.digest.tick,
        "weekly_review": services.review.tick,
        "standups": services.standups.tick,
        # Customers changed by another replica or an import: the matcher that links new tickets is read again.
        "customers": lambda: services.customers.directory.refresh(services.db),
        # 2+ complaints in 30 days (customers_at_risk): the customer flagged, its account manager told once.
        "customers_at_risk": services.customer_risk.tick,
    }
