"""Messages of the daily digest: the channel post, the ``/digest`` answer and the chart's labels.

Lifecycle stage names are shared with the ticket form (``stage.*`` in ``tickets``), so both say the same.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "digest.header": "Crossdesk daily digest — {day}",
        "digest.fallback": "Crossdesk daily digest for {day}: {opened} opened, {resolved} resolved, "
        "{open} open, {overdue} overdue.",
        "digest.context": "“Today” is {day} in {tz}. Medians, bounces and complaints cover the last {days} days. "
        "As of {time}.",
        "digest.department": "*{name}* ({key})",
        "digest.more_departments": "…and {count} more {count:department|departments}, in this message's thread.",
        "digest.more_departments_here": "…and {count} more {count:department|departments}: the daily digest lists "
        "every one in its thread.",
        "digest.continued": "Crossdesk daily digest — {day}, continued ({part}/{parts})",
        "digest.opened": "Opened today",
        "digest.resolved": "Resolved today",
        "digest.open": "Open now",
        "digest.overdue": "Overdue now",
        "digest.median_ack": "Median time to acknowledge",
        "digest.median_resolve": "Median time to resolve",
        "digest.bounces": "Passed to another department",
        "digest.hours": "{hours} h",
        "digest.no_value": "—",
        "digest.oldest.header": "*Oldest open tickets*",
        "digest.oldest.line": "• {ticket} {title} — {department}, <@{owner}>, open for {age}",
        "digest.oldest.none": "No open tickets.",
        "digest.age": "{days} d {hours} h",
        "digest.complaints.header": "*Customer complaints by lifecycle stage* (last {days} days, {total} in all)",
        "digest.stage.unknown": "Stage not given",
        "digest.chart.title": "Tickets opened per day, last {days} days",
        "digest.chart.x": "Day ({tz})",
        "digest.chart.y": "Tickets opened",
        "digest.chart.others": "{count} {count:other|others}",
        "digest.chart.file_title": "Crossdesk — tickets opened per day, {start} to {end}",
    },
    "zh": {
        "digest.header": "Crossdesk 每日简报 — {day}",
        "digest.fallback": "Crossdesk {day} 每日简报：新建 {opened}，已解决 {resolved}，"
        "未关闭 {open}，逾期 {overdue}。",
        "digest.context": "“今天”指 {tz} 时区的 {day}。中位数、转手次数和客户投诉统计最近 {days} 天。截至 {time}。",
        "digest.department": "*{name}*（{key}）",
        "digest.more_departments": "……还有 {count} 个部门，见本消息的讨论串。",
        "digest.more_departments_here": "……还有 {count} 个部门：每日简报的讨论串列出了全部部门。",
        "digest.continued": "Crossdesk 每日简报 — {day}，续（{part}/{parts}）",
        "digest.opened": "今日新建",
        "digest.resolved": "今日解决",
        "digest.open": "当前未关闭",
        "digest.overdue": "当前逾期",
        "digest.median_ack": "确认用时中位数",
        "digest.median_resolve": "解决用时中位数",
        "digest.bounces": "转给其他部门",
        "digest.hours": "{hours} 小时",
        "digest.no_value": "—",
        "digest.oldest.header": "*最久未关闭的工单*",
        "digest.oldest.line": "• {ticket} {title} — {department}，<@{owner}>，已开启 {age}",
        "digest.oldest.none": "没有未关闭的工单。",
        "digest.age": "{days} 天 {hours} 小时",
        "digest.complaints.header": "*按客户生命周期阶段统计的投诉*（最近 {days} 天，共 {total} 件）",
        "digest.stage.unknown": "未填写阶段",
        "digest.chart.title": "最近 {days} 天每日新建工单",
        "digest.chart.x": "日期（{tz}）",
        "digest.chart.y": "新建工单数",
        "digest.chart.others": "其余 {count} 个",
        "digest.chart.file_title": "Crossdesk — 每日新建工单，{start} 至 {end}",
    },
}
