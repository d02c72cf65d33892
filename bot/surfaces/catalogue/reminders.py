"""Messages of the overdue reminders and the escalation ladder."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "reminder.header": ":alarm_clock: You have {count} overdue {count:ticket|tickets}:",
        "reminder.line.acknowledge": "• *{key}* {title} — acknowledge was due {due} · reminder {step}",
        "reminder.line.resolve": "• *{key}* {title} — resolve was due {due} · reminder {step}",
        "reminder.line.overdue": "• *{key}* {title} — overdue since {due}",
        "reminder.more": "• …and {count} more",
        "reminder.footer": "Acknowledge, resolve, hand off or pause them (`/ticket list overdue`); "
        "this message is replaced by the next reminder.",
        "reminder.lead_header": ":rotating_light: Escalated to you as department lead — nobody answered "
        "{count} {count:reminder|reminders}:",
        "reminder.admin_header": ":rotating_light: Escalated to the admins — still unanswered after the lead was told:",
        "reminder.escalated_line": "• *{key}* {title} — owner <@{owner}>, {phase} was due {due}",
        "reminder.phase.acknowledge": "acknowledge",
        "reminder.phase.resolve": "resolve",
        "reminder.thread.lead": ":rotating_light: No answer to {count} {count:reminder|reminders}: the department "
        "lead <@{lead}> has been told · {at}",
        "reminder.thread.no_lead": ":rotating_light: No answer to {count} {count:reminder|reminders}, and the "
        "department has no lead to tell · {at}",
        "reminder.thread.admins": ":rotating_light: Still no answer: the admins have been told · {at}",
        "reminder.away_header": ":rotating_light: Urgent, overdue, and the owner is away — it needs you now:",
        "reminder.thread.lead_group": ":rotating_light: No answer to {count} {count:reminder|reminders}: the "
        "department leads <!subteam^{lead}> have been told · {at}",
        "reminder.thread.away": ":rotating_light: Urgent and overdue while <@{owner}> is away: the department lead "
        "<@{lead}> has been told · {at}",
        "reminder.thread.away_group": ":rotating_light: Urgent and overdue while <@{owner}> is away: the department "
        "leads <!subteam^{lead}> have been told · {at}",
    },
    "zh": {
        "reminder.header": ":alarm_clock: 你有 {count} 张工单已逾期：",
        "reminder.line.acknowledge": "• *{key}* {title}——确认期限 {due} · 第 {step} 次提醒",
        "reminder.line.resolve": "• *{key}* {title}——解决期限 {due} · 第 {step} 次提醒",
        "reminder.line.overdue": "• *{key}* {title}——自 {due} 起逾期",
        "reminder.more": "• ……还有 {count} 张",
        "reminder.footer": "请确认、解决、转交或暂停这些工单（`/ticket list overdue`）；下一次提醒会替换本消息。",
        "reminder.lead_header": ":rotating_light: 作为部门主管收到升级——{count} 次提醒无人回应：",
        "reminder.admin_header": ":rotating_light: 已升级至管理员——通知主管后仍无人回应：",
        "reminder.escalated_line": "• *{key}* {title}——负责人 <@{owner}>，{phase}期限 {due}",
        "reminder.phase.acknowledge": "确认",
        "reminder.phase.resolve": "解决",
        "reminder.thread.lead": ":rotating_light: {count} 次提醒无人回应：已通知部门主管 <@{lead}> · {at}",
        "reminder.thread.no_lead": ":rotating_light: {count} 次提醒无人回应，本部门没有可通知的主管 · {at}",
        "reminder.thread.admins": ":rotating_light: 仍无人回应：已通知管理员 · {at}",
        "reminder.away_header": ":rotating_light: 紧急工单已逾期，负责人不在——需要你立即处理：",
        "reminder.thread.lead_group": ":rotating_light: {count} 次提醒无人回应：已通知部门主管 "
        "<!subteam^{lead}> · {at}",
        "reminder.thread.away": ":rotating_light: 紧急工单逾期，负责人 <@{owner}> 不在：已通知部门主管 "
        "<@{lead}> · {at}",
        "reminder.thread.away_group": ":rotating_light: 紧急工单逾期，负责人 <@{owner}> 不在：已通知部门主管 "
        "<!subteam^{lead}> · {at}",
    },
}
