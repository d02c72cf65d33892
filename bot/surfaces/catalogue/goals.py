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
        "review.chart.title": "Shared goals week by week: {weeks} weeks to {end}",
        "review.chart.target": "Target",
        "review.chart.more": "The {count} other {count:department|departments}: in the review's text.",
        "review.header": "Shared goals, week by week — {day}",
        "review.context": "Each goal at the end of each of the last {weeks} weeks, over its own window; a line reads "
        "oldest week first (▁ low, █ high, · nothing to judge). As of {time} ({tz}).",
        "review.goal": "*{name}* ({target})",
        "review.line": "{spark}  {name}: {first} → {value} {verdict}",
        "review.company": "*Company*",
        "review.met_weeks": " · met in {met} of {weeks} weeks",
        "review.satisfaction": "*Satisfaction, last {days} days:* {score} from {count} {count:rating|ratings}",
        "review.satisfaction.part": "{name} {score} ({count})",
        "review.complaints": "*Customer complaints by lifecycle stage, last {days} days* ({total} in all)",
        "review.fallback": "Crossdesk weekly review for {day}: the company meets {met} of {goals} shared goals.",
        "review.no_goals": "No shared goals are set: add `goals:` to the workspace file (the guide's *Shared goals* "
        "shows how) and `/digest week` shows each goal week by week.",
        "review.file_title": "Crossdesk — shared goals week by week, {weeks} weeks to {day}",
        "review.unknown_digest": "`/digest` does not know “{asked}”: `/digest` shows today's digest, `/digest week` "
        "the shared goals week by week.",
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
        "review.chart.title": "共同目标逐周走势：截至 {end} 的 {weeks} 周",
        "review.chart.target": "目标",
        "review.chart.more": "其余 {count} 个部门见周报正文。",
        "review.header": "共同目标逐周回顾 — {day}",
        "review.context": "每个目标在最近 {weeks} 周每周末的数值，各按其统计周期计算；每行从最早一周读起"
        "（▁ 低，█ 高，· 无数据）。截至 {time}（{tz}）。",
        "review.goal": "*{name}*（{target}）",
        "review.line": "{spark}  {name}：{first} → {value} {verdict}",
        "review.company": "*全公司*",
        "review.met_weeks": " · {weeks} 周中 {met} 周达成",
        "review.satisfaction": "*最近 {days} 天满意度：* {score}，共 {count} 条评分",
        "review.satisfaction.part": "{name} {score}（{count}）",
        "review.complaints": "*按客户生命周期阶段统计的投诉，最近 {days} 天*（共 {total} 件）",
        "review.fallback": "Crossdesk {day} 周报：全公司达成 {goals} 个共同目标中的 {met} 个。",
        "review.no_goals": "尚未设置共同目标：在工作区文件中加入 `goals:`（见指南的“共同目标”一节），"
        "`/digest week` 即可逐周显示每个目标。",
        "review.file_title": "Crossdesk — 共同目标逐周走势，截至 {day} 的 {weeks} 周",
        "review.unknown_digest": "`/digest` 不认识“{asked}”：`/digest` 显示今天的简报，"
        "`/digest week` 逐周显示共同目标。",
    },
}
