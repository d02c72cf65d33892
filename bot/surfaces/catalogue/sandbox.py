"""Messages of the sandbox page that come from the bot's rules (the clock control's note on a day without work)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "sandbox.weekdays": "Mon Tue Wed Thu Fri Sat Sun",
        "sandbox.day": "{weekday} {date}",
        "sandbox.clock.day_off": "{day} is not a working day: SLA clocks stand still until {next_day}, "
        "so no ticket falls overdue and nobody is reminded.",
        "sandbox.clock.holiday": "{day} is a holiday in the workspace file: SLA clocks stand still until {next_day}, "
        "so no ticket falls overdue and nobody is reminded.",
        "sandbox.clock.no_standup": " No stand-up today.",
    },
    "zh": {
        "sandbox.weekdays": "周一 周二 周三 周四 周五 周六 周日",
        "sandbox.day": "{date}（{weekday}）",
        "sandbox.clock.day_off": "{day}不是工作日：SLA 计时暂停到 {next_day}，不会有工单逾期，也不会发提醒。",
        "sandbox.clock.holiday": "{day}是工作区文件里的假日：SLA 计时暂停到 {next_day}，不会有工单逾期，也不会发提醒。",
        "sandbox.clock.no_standup": "今天没有站会。",
    },
}
