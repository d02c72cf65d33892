"""Messages of the shared goals: values and their units, the scorecard picture, the digest's lead lines, the weekly
review and the HTML report. A goal's own name is the workspace file's (written in the workspace's language)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "goals.no_value": "—",
        "goals.percent": "{value}%",
        "goals.days_hours": "{days}d {hours}h",
        "goals.days": "{days}d",
        "goals.hours": "{hours}h",
        "goals.minutes": "{minutes}m",
    },
    "zh": {
        "goals.no_value": "—",
        "goals.percent": "{value}%",
        "goals.days_hours": "{days}天{hours}小时",
        "goals.days": "{days}天",
        "goals.hours": "{hours}小时",
        "goals.minutes": "{minutes}分钟",
    },
}
