"""Messages of the sandbox page that come from the bot's rules (the clock control's note on a day without work), and
the words of its panel for user groups and statuses."""

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
        "sandbox.teams.open": "Groups & status",
        "sandbox.teams.title": "User groups and statuses",
        "sandbox.teams.hint": "Changed here as in Slack itself: the bot hears it as Slack tells it "
        "(subteam_members_changed, user_status_changed).",
        "sandbox.teams.status": "Your status",
        "sandbox.teams.no_emoji": "No emoji",
        "sandbox.teams.text": "Status text, e.g. Out of office",
        "sandbox.teams.no_end": "Don't clear",
        "sandbox.teams.hour": "For 1 hour",
        "sandbox.teams.day": "For 1 day",
        "sandbox.teams.set": "Set status",
        "sandbox.teams.clear": "Clear",
        "sandbox.teams.groups": "User groups",
        "sandbox.teams.members": "members",
        "sandbox.teams.save": "Save members",
        "sandbox.teams.close": "Close",
        "sandbox.teams.none": "The workspace file names no user group.",
    },
    "zh": {
        "sandbox.weekdays": "周一 周二 周三 周四 周五 周六 周日",
        "sandbox.day": "{date}（{weekday}）",
        "sandbox.clock.day_off": "{day}不是工作日：SLA 计时暂停到 {next_day}，不会有工单逾期，也不会发提醒。",
        "sandbox.clock.holiday": "{day}是工作区文件里的假日：SLA 计时暂停到 {next_day}，不会有工单逾期，也不会发提醒。",
        "sandbox.clock.no_standup": "今天没有站会。",
        "sandbox.teams.open": "用户组与状态",
        "sandbox.teams.title": "用户组与状态",
        "sandbox.teams.hint": "在这里的修改等同于在 Slack 中修改：机器人会像收到 Slack 通知一样得知"
        "（subteam_members_changed、user_status_changed）。",
        "sandbox.teams.status": "你的状态",
        "sandbox.teams.no_emoji": "无表情",
        "sandbox.teams.text": "状态文字，例如：休假中",
        "sandbox.teams.no_end": "不自动清除",
        "sandbox.teams.hour": "1 小时",
        "sandbox.teams.day": "1 天",
        "sandbox.teams.set": "设置状态",
        "sandbox.teams.clear": "清除",
        "sandbox.teams.groups": "用户组",
        "sandbox.teams.members": "名成员",
        "sandbox.teams.save": "保存成员",
        "sandbox.teams.close": "关闭",
        "sandbox.teams.none": "工作区文件中没有用户组。",
    },
}
