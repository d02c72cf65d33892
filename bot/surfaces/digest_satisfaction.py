"""What the digest says of satisfaction: a field in each department's section, and a section by customer lifecycle
stage when any rating was answered in the report's days. Pure functions of the report's numbers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.schedule.digest_report import DigestReport, Satisfaction
from bot.surfaces.cards import Block
from bot.surfaces.i18n import Translator


def satisfaction_text(translator: Translator, satisfaction: Satisfaction) -> str:
    """``4.3/5 · 12 answered``, or that nobody answered."""
    if not satisfaction.answered or satisfaction.average is None:
        return translator.t("digest.satisfaction.none")
    return translator.t("digest.satisfaction.value", average=f"{satisfaction.average:.1f}", count=satisfaction.answered)


def department_field(translator: Translator, satisfaction: Satisfaction) -> Block:
    """The field a department's section gets: its tickets' ratings answered in the report's days."""
    label = translator.t("digest.satisfaction")
    return {"type": "mrkdwn", "text": f"*{label}*\n{satisfaction_text(translator, satisfaction)}"}


def shows_stages(report: DigestReport) -> bool:
    """Whether the digest has a satisfaction-by-stage section: only when someone answered a rating in its days."""
    return report.answered > 0


def stage_section(report: DigestReport, translator: Translator, stages: Sequence[tuple[str, str]]) -> Block:
    """Satisfaction by lifecycle stage: one field per stage (``stages``: each stage and its name, in order) with its
    average and how many answered."""
    header = translator.t("digest.satisfaction.header", days=len(report.days), count=report.answered)
    fields = [
        {
            "type": "mrkdwn",
            "text": f"*{name}*\n{satisfaction_text(translator, report.satisfaction.get(stage, Satisfaction()))}",
        }
        for stage, name in stages
    ]
    return {"type": "section", "text": {"type": "mrkdwn", "text": header}, "fields": fields}
