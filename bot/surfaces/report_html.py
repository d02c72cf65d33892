"""The shared goals as one self-contained HTML page (``crossdesk report``), for a management meeting: what matters in
three lines, the scorecard picture, the table of every number, the goals over the periods before, and what each goal
counts. Everything is inside the page — CSS inline, pictures as ``data:`` URLs — so it opens offline, from an e-mail
or a shared drive, and fetches nothing. Text in the workspace's language; every value is escaped.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedule.goals import (
    NEAR_COUNT,
    NEAR_DURATION,
    NEAR_SCORE,
    NEAR_SHARE,
    TREND_SYMBOL,
    VERDICT_SYMBOL,
    Cell,
    Scorecard,
    format_target,
    format_value,
)
from bot.schedule.scorecard_chart import FILL, INK
from bot.surfaces.i18n import Translator
from bot.surfaces.scorecard_views import lead_lines

_BOLD = re.compile(r"\*([^*\n]+)\*")  # Slack's *bold* in the lead lines

_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, -apple-system, "Segoe UI",
       Roboto, sans-serif; color: #1d1d1d; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #555; font-size: 0.9rem; }
.lead { background: #f4f6f8; border-left: 4px solid #0072B2; padding: 0.6rem 1rem; }
.lead p { margin: 0.25rem 0; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.35rem 0.45rem; text-align: center; vertical-align: middle; }
th { background: #fafafa; } th.name, td.name { text-align: left; }
tr.company td { font-weight: bold; border-top: 2px solid #333; }
td .previous { display: block; font-size: 0.75rem; opacity: 0.85; font-weight: normal; }
dl dt { font-weight: bold; margin-top: 0.5rem; } dl dd { margin-left: 1rem; }
@media print { body { margin: 0; } .lead { break-inside: avoid; } }
"""


def _bold(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(text))


def _picture(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _cell(cell: Cell, t: Translator) -> str:
    verdict = cell.verdict
    style = f"background:{FILL[verdict]};color:{INK[verdict]}"
    arrow = f" {TREND_SYMBOL[cell.trend]}" if cell.trend else ""
    value = html.escape(f"{VERDICT_SYMBOL[verdict]} {format_value(cell.goal, cell.value, t)}{arrow}".strip())
    previous = t.t("report_page.previous", value=format_value(cell.goal, cell.previous, t))
    title = t.t(f"report_page.verdict.{verdict.value}")
    return (
        f'<td style="{style}" title="{html.escape(title)}" data-verdict="{verdict.value}">{value}'
        f'<span class="previous">{html.escape(previous)}</span></td>'
    )


def _table(card: Scorecard, t: Translator) -> str:
    head = [f'<th class="name">{html.escape(t.t("report_page.department"))}</th>']
    for goal in card.goals:
        direction = "goals.target.at_most" if goal.at_most else "goals.target.at_least"
        target = t.t(direction, target=format_target(goal, t))
        head.append(f"<th>{html.escape(goal.name)}<br><small>{html.escape(target)}</small></th>")
    rows = []
    for row in card.rows:
        company = row is card.company
        name = t.t("goals.company") if company else f"{row.name} ({row.key})"
        cells = "".join(_cell(cell, t) for cell in row.cells)
        opening = '<tr class="company">' if company else "<tr>"
        rows.append(f'{opening}<td class="name">{html.escape(name)}</td>{cells}</tr>')
    return f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _definitions(card: Scorecard, t: Translator) -> str:
    items = []
    for metric in dict.fromkeys(goal.metric for goal in card.goals):
        name = html.escape(t.t(f"goals.metric.{metric}"))
        items.append(f"<dt>{name}</dt><dd>{html.escape(t.t(f'report_page.means.{metric}'))}</dd>")
    near = t.t(
        "report_page.near",
        share=round(NEAR_SHARE * 100),
        score=NEAR_SCORE,
        duration=round(NEAR_DURATION * 100),
        count=round(NEAR_COUNT * 100),
    )
    return f"<dl>{''.join(items)}</dl><p>{html.escape(near)}</p>"


def report_html(
    card: Scorecard,
    start: datetime,
    scorecard_png: bytes,
    trend_png: bytes | None,
    generated_at: datetime,
) -> str:
    """The page for the period ``[start, card.end)``."""
    t = Translator(card.language)
    zone = ZoneInfo(card.timezone)
    first = start.astimezone(zone).date().isoformat()
    last = (card.end.astimezone(zone) - timedelta(microseconds=1)).date().isoformat()
    title = t.t("report_page.title", start=first, end=last)
    meta = t.t(
        "report_page.meta",
        start=first,
        end=last,
        tz=card.timezone,
        generated=generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if card.language == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f'<h1>{html.escape(title)}</h1><p class="meta">{html.escape(meta)}</p>',
        '<section class="lead">' + "".join(f"<p>{_bold(line)}</p>" for line in lead_lines(card)) + "</section>",
        f"<h2>{html.escape(t.t('report_page.scorecard'))}</h2>",
        _picture(scorecard_png, t.t("report_page.scorecard_alt")),
        f"<h2>{html.escape(t.t('report_page.table'))}</h2>",
        _table(card, t),
    ]
    if trend_png is not None:
        parts += [
            f"<h2>{html.escape(t.t('report_page.trend'))}</h2>",
            _picture(trend_png, t.t("report_page.trend_alt")),
        ]
    parts += [f"<h2>{html.escape(t.t('report_page.definitions'))}</h2>", _definitions(card, t), "</body></html>"]
    return "\n".join(parts) + "\n"
