"""The message catalogue: every string the bot writes, in English and Chinese.

``Translator(language).t(key, **params)`` formats one; a key missing from either language fails the
catalogue test, so a Chinese workspace never sees an English fallback by accident.
"""

from __future__ import annotations

from typing import Any

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "priority.urgent": "Urgent",
        "priority.high": "High",
        "priority.normal": "Normal",
        "priority.low": "Low",
        "status.open": "Open — waiting for its owner",
        "status.acknowledged": "Acknowledged",
        "status.waiting": "Waiting on requester",
        "status.blocked": "Blocked",
        "status.resolved": "Resolved",
        "status.closed": "Closed",
        "card.fallback": "{key} {title} — owner <@{owner}>, {status}",
        "card.department": "Department",
        "card.owner": "Owner",
        "card.priority": "Priority",
        "card.status": "Status",
        "card.ack_due": "Acknowledge by",
        "card.resolve_due": "Resolve by",
        "card.requester": "Requested by <@{requester}> · {source}",
        "card.button.acknowledge": "Acknowledge",
        "card.button.reassign": "Reassign",
        "card.button.escalate": "Escalate",
        "card.button.resolve": "Resolve",
        "source.message": "intake message",
        "source.command": "/ticket",
        "source.reaction": "emoji reaction",
        "source.modal": "form",
        "dm.new_ticket": "You own a new ticket *{key}* ({priority}) from <@{requester}>: {title}\n"
        "Acknowledge by {ack_due}. {link}",
        "dm.open_ticket": "<{url}|Open the ticket thread>",
        "department.new_ticket": ":inbox_tray: New ticket *{key}* ({priority}) for <@{owner}>: {title} {link}",
        "thread.acknowledged": ":eyes: <@{actor}> acknowledged this ticket · {at}",
        "thread.assigned": ":arrows_counterclockwise: <@{actor}> assigned this ticket to <@{owner}> · {at}",
        "thread.resolved": ":white_check_mark: <@{actor}> resolved this ticket · {at}{note}",
        "thread.closed": ":lock: <@{actor}> closed this ticket · {at}{note}",
        "thread.reopened": ":leftwards_arrow_with_hook: <@{actor}> reopened this ticket · {at}",
        "dm.assigned": "<@{actor}> assigned *{key}* to you: {title} {link}",
        "dm.resolved": "*{key}* was resolved by <@{actor}>{note}. Reopen it with `/ticket reopen {key}` if it is not.",
        "reaction.exists": "This message is already ticket *{key}* (owner <@{owner}>).",
        "command.opened": "Opened *{key}* for {department}: owner <@{owner}>, {priority}, acknowledge by {ack_due}.",
        "command.exists": "That message is already ticket *{key}*.",
        "command.acknowledged": "You acknowledged *{key}*.",
        "command.assigned": "*{key}* now belongs to <@{owner}>.",
        "command.resolved": "*{key}* is resolved.",
        "command.closed": "*{key}* is closed.",
        "command.reopened": "*{key}* is open again, owner <@{owner}>.",
        "command.list.header": "{count} ticket(s) — {scope}:",
        "command.list.empty": "No tickets — {scope}.",
        "command.list.line": "• *{key}* {title} — <@{owner}>, {status}, {priority}{overdue}",
        "command.list.overdue_mark": " · :warning: overdue",
        "command.list.scope.mine": "yours",
        "command.list.scope.dept": "your department's",
        "command.list.scope.overdue": "overdue",
        "command.show.header": "*{key}* {title}",
        "command.show.fields": "{department} · owner <@{owner}> · requested by <@{requester}> · {priority} · {status}",
        "command.show.due": "Acknowledge by {ack_due} · resolve by {resolve_due}",
        "command.show.history": "History:",
        "command.show.event": "• {at} <@{actor}> {action}{change}{note}",
        "command.show.link": "Thread: {link}",
        "action.created": "opened it",
        "action.acknowledged": "acknowledged it",
        "action.assigned": "assigned it",
        "action.resolved": "resolved it",
        "action.closed": "closed it",
        "action.reopened": "reopened it",
        "action.commented": "commented",
        "action.escalated": "escalated it",
        "help": "*Crossdesk* — one owner for every cross-department request.\n"
        "`/ticket [urgent|high|normal|low] <text>` open a ticket\n"
        "`/ticket list [mine|dept|overdue]` list tickets\n"
        "`/ticket show KEY` a ticket and its history\n"
        "`/ticket ack KEY` acknowledge a ticket you own\n"
        "`/ticket assign KEY @person` hand a ticket to someone\n"
        "`/ticket close KEY [note]` resolve a ticket (close it once resolved)\n"
        "`/ticket reopen KEY` reopen a resolved or closed ticket\n"
        "React with :{ticket_emoji}: to turn any message into a ticket.",
        "usage.show": "Usage: `/ticket show KEY`, e.g. `/ticket show SUP-12`.",
        "usage.ack": "Usage: `/ticket ack KEY`, e.g. `/ticket ack SUP-12`.",
        "usage.assign": "Usage: `/ticket assign KEY @person`, e.g. `/ticket assign SUP-12 @alice`.",
        "usage.close": "Usage: `/ticket close KEY [note]`, e.g. `/ticket close SUP-12 refunded`.",
        "usage.reopen": "Usage: `/ticket reopen KEY`, e.g. `/ticket reopen SUP-12`.",
        "usage.list": "Usage: `/ticket list [mine|dept|overdue]`.",
        "usage.not_yet": "`/ticket {subcommand}` is not available in this version yet. Use the card's buttons.",
        "error.generic": "Something went wrong.",
        "error.unexpected": "Something went wrong on our side (error id {error_id}). Nothing was changed.",
        "error.ticket_not_found": "There is no ticket {key}. Keys look like SUP-12; `/ticket list` shows yours.",
        "error.bad_key": "`{text}` is not a ticket key. Keys look like SUP-12.",
        "error.invalid_transition": "*{key}* is {current}; it cannot become {target}.",
        "error.not_allowed": "Only {who} may {action} *{key}*.",
        "error.unknown_subcommand": "Unknown subcommand `{subcommand}`.",
        "error.empty_text": "Tell me what the ticket is about: `/ticket [priority] <text>`.",
        "error.no_department": "You are not in any department, so there is no department list for you.",
        "error.message_unreadable": "I could not read that message. Invite me to the channel and try again.",
        "error.assignee_invalid": "Mention the new owner as @person (a member, not a channel or bot).",
        "role.owner": "the owner",
        "role.requester": "the requester",
        "role.lead": "the department lead",
        "role.member": "members of the department",
        "role.admin": "an admin",
        "verb.acknowledge": "acknowledge",
        "verb.assign": "reassign",
        "verb.resolve": "resolve",
        "verb.close": "close",
        "verb.reopen": "reopen",
        "word.or": " or ",
        "word.none": "—",
    },
    "zh": {
        "priority.urgent": "紧急",
        "priority.high": "高",
        "priority.normal": "普通",
        "priority.low": "低",
        "status.open": "待确认——等待负责人响应",
        "status.acknowledged": "已确认",
        "status.waiting": "等待提出人回复",
        "status.blocked": "受阻",
        "status.resolved": "已解决",
        "status.closed": "已关闭",
        "card.fallback": "{key} {title}——负责人 <@{owner}>，{status}",
        "card.department": "部门",
        "card.owner": "负责人",
        "card.priority": "优先级",
        "card.status": "状态",
        "card.ack_due": "确认期限",
        "card.resolve_due": "解决期限",
        "card.requester": "提出人 <@{requester}> · {source}",
        "card.button.acknowledge": "确认",
        "card.button.reassign": "转交",
        "card.button.escalate": "升级",
        "card.button.resolve": "解决",
        "source.message": "受理频道消息",
        "source.command": "/ticket 命令",
        "source.reaction": "表情回应",
        "source.modal": "表单",
        "dm.new_ticket": "你有一张新工单 *{key}*（{priority}），提出人 <@{requester}>：{title}\n"
        "请在 {ack_due} 前确认。{link}",
        "dm.open_ticket": "<{url}|打开工单讨论串>",
        "department.new_ticket": ":inbox_tray: 新工单 *{key}*（{priority}），负责人 <@{owner}>：{title} {link}",
        "thread.acknowledged": ":eyes: <@{actor}> 已确认此工单 · {at}",
        "thread.assigned": ":arrows_counterclockwise: <@{actor}> 将此工单转交给 <@{owner}> · {at}",
        "thread.resolved": ":white_check_mark: <@{actor}> 已解决此工单 · {at}{note}",
        "thread.closed": ":lock: <@{actor}> 已关闭此工单 · {at}{note}",
        "thread.reopened": ":leftwards_arrow_with_hook: <@{actor}> 重新打开了此工单 · {at}",
        "dm.assigned": "<@{actor}> 把 *{key}* 转交给了你：{title} {link}",
        "dm.resolved": "*{key}* 已由 <@{actor}> 解决{note}。如未解决，可用 `/ticket reopen {key}` 重新打开。",
        "reaction.exists": "这条消息已是工单 *{key}*（负责人 <@{owner}>）。",
        "command.opened": "已为{department}创建 *{key}*：负责人 <@{owner}>，{priority}，请在 {ack_due} 前确认。",
        "command.exists": "这条消息已是工单 *{key}*。",
        "command.acknowledged": "你已确认 *{key}*。",
        "command.assigned": "*{key}* 现由 <@{owner}> 负责。",
        "command.resolved": "*{key}* 已解决。",
        "command.closed": "*{key}* 已关闭。",
        "command.reopened": "*{key}* 已重新打开，负责人 <@{owner}>。",
        "command.list.header": "共 {count} 张工单（{scope}）：",
        "command.list.empty": "没有工单（{scope}）。",
        "command.list.line": "• *{key}* {title}——<@{owner}>，{status}，{priority}{overdue}",
        "command.list.overdue_mark": " · :warning: 已逾期",
        "command.list.scope.mine": "我负责的",
        "command.list.scope.dept": "本部门的",
        "command.list.scope.overdue": "已逾期的",
        "command.show.header": "*{key}* {title}",
        "command.show.fields": "{department} · 负责人 <@{owner}> · 提出人 <@{requester}> · {priority} · {status}",
        "command.show.due": "确认期限 {ack_due} · 解决期限 {resolve_due}",
        "command.show.history": "处理记录：",
        "command.show.event": "• {at} <@{actor}> {action}{change}{note}",
        "command.show.link": "讨论串：{link}",
        "action.created": "创建了工单",
        "action.acknowledged": "确认了工单",
        "action.assigned": "转交了工单",
        "action.resolved": "解决了工单",
        "action.closed": "关闭了工单",
        "action.reopened": "重新打开了工单",
        "action.commented": "发表了评论",
        "action.escalated": "升级了工单",
        "help": "*Crossdesk*——每个跨部门请求都有唯一负责人。\n"
        "`/ticket [urgent|high|normal|low] <内容>` 创建工单\n"
        "`/ticket list [mine|dept|overdue]` 查看工单列表\n"
        "`/ticket show KEY` 查看工单及处理记录\n"
        "`/ticket ack KEY` 确认你负责的工单\n"
        "`/ticket assign KEY @某人` 转交工单\n"
        "`/ticket close KEY [备注]` 解决工单（已解决的则关闭）\n"
        "`/ticket reopen KEY` 重新打开已解决或已关闭的工单\n"
        "对任意消息添加 :{ticket_emoji}: 表情即可创建工单。",
        "usage.show": "用法：`/ticket show KEY`，例如 `/ticket show SUP-12`。",
        "usage.ack": "用法：`/ticket ack KEY`，例如 `/ticket ack SUP-12`。",
        "usage.assign": "用法：`/ticket assign KEY @某人`，例如 `/ticket assign SUP-12 @alice`。",
        "usage.close": "用法：`/ticket close KEY [备注]`，例如 `/ticket close SUP-12 已退款`。",
        "usage.reopen": "用法：`/ticket reopen KEY`，例如 `/ticket reopen SUP-12`。",
        "usage.list": "用法：`/ticket list [mine|dept|overdue]`。",
        "usage.not_yet": "当前版本尚不支持 `/ticket {subcommand}`，请使用工单卡片上的按钮。",
        "error.generic": "出错了。",
        "error.unexpected": "系统出错（错误编号 {error_id}），未做任何更改。",
        "error.ticket_not_found": "没有工单 {key}。工单编号形如 SUP-12，`/ticket list` 可查看你的工单。",
        "error.bad_key": "`{text}` 不是工单编号。工单编号形如 SUP-12。",
        "error.invalid_transition": "*{key}* 当前为{current}，不能变为{target}。",
        "error.not_allowed": "只有{who}可以{action} *{key}*。",
        "error.unknown_subcommand": "未知的子命令 `{subcommand}`。",
        "error.empty_text": "请写明工单内容：`/ticket [优先级] <内容>`。",
        "error.no_department": "你不属于任何部门，因此没有部门工单列表。",
        "error.message_unreadable": "无法读取这条消息。请先邀请我加入该频道再试。",
        "error.assignee_invalid": "请用 @某人 指定新的负责人（成员，而非频道或机器人）。",
        "role.owner": "负责人",
        "role.requester": "提出人",
        "role.lead": "部门主管",
        "role.member": "本部门成员",
        "role.admin": "管理员",
        "verb.acknowledge": "确认",
        "verb.assign": "转交",
        "verb.resolve": "解决",
        "verb.close": "关闭",
        "verb.reopen": "重新打开",
        "word.or": "或",
        "word.none": "—",
    },
}

LANGUAGES = tuple(CATALOGUE)


class Translator:
    """Formats catalogue messages in one language."""

    def __init__(self, language: str) -> None:
        if language not in CATALOGUE:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        self.language = language
        self._messages = CATALOGUE[language]

    def t(self, message_key: str, /, **params: Any) -> str:
        return self._messages[message_key].format(**params)

    def has(self, key: str) -> bool:
        return key in self._messages
