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
        "goals.company": "Company",
        "goals.target.at_least": "≥ {target}",
        "goals.target.at_most": "≤ {target}",
        "goals.chart.title": "Shared goals — {day}",
        "goals.chart.subtitle": "As of {time} ({tz}). Under each goal: its target and the window it is measured over; "
        "↑ ↓ the change since the window before.",
        "goals.chart.legend": "✓ met    ~ near (within 5 points of a share, 0.2 of a score, 10 % of a time or a count)"
        "    ✗ missed    — nothing to judge",
        "goals.chart.more": "…and {count} more {count:department|departments}, in the digest's thread.",
        "goals.metric.ack_within_sla": "Acknowledged on time",
        "goals.metric.resolve_within_sla": "Resolved on time",
        "goals.metric.csat": "Satisfaction",
        "goals.metric.consult_within_sla": "Consults answered on time",
        "goals.metric.complaint_resolve_median": "Median time to resolve a complaint",
        "goals.metric.bounce_rate": "Passed to another department",
        "goals.metric.open": "Open work",
        "goals.metric.overdue": "Overdue work",
    },
    "zh": {
        "goals.no_value": "—",
        "goals.percent": "{value}%",
        "goals.days_hours": "{days}天{hours}小时",
        "goals.days": "{days}天",
        "goals.hours": "{hours}小时",
        "goals.minutes": "{minutes}分钟",
        "goals.company": "全公司",
        "goals.target.at_least": "≥ {target}",
        "goals.target.at_most": "≤ {target}",
        "goals.chart.title": "共同目标 — {day}",
        "goals.chart.subtitle": "截至 {time}（{tz}）。每个目标下方：目标值与统计周期；↑ ↓ 表示与上一周期相比的变化。",
        "goals.chart.legend": "✓ 达成    ~ 接近（比例差 5 个百分点、评分差 0.2、时长或数量差 10% 以内）"
        "    ✗ 未达成    — 无数据",
        "goals.chart.more": "……还有 {count} 个部门，见简报的讨论串。",
        "goals.metric.ack_within_sla": "按时确认",
        "goals.metric.resolve_within_sla": "按时解决",
        "goals.metric.csat": "满意度",
        "goals.metric.consult_within_sla": "按时答复跨部门咨询",
        "goals.metric.complaint_resolve_median": "投诉解决用时中位数",
        "goals.metric.bounce_rate": "转给其他部门",
        "goals.metric.open": "未关闭工单",
        "goals.metric.overdue": "逾期工单",
    },
}
