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
        "digest.lead.tally": "*{met} of {goals} goals met*",
        "digest.lead.unjudged": " ({count} with nothing to judge yet)",
        "digest.lead.worst": "; {name} misses *{goal}*: {value} against {target}{change}",
        "digest.lead.worst_near": "; {name} is near *{goal}*: {value} against {target}{change}",
        "digest.lead.all_met": "; every department meets every goal it has numbers for",
        "digest.lead.change.down": ", down from {previous}",
        "digest.lead.change.up": ", up from {previous}",
        "digest.lead.change.steady": ", as before",
        "digest.lead.also": "Also missed: {items}",
        "digest.lead.also_item": "{name} *{goal}* {value} (target {target})",
        "digest.lead.separator": "; ",
        "digest.lead.also_more": "; and {count} more",
        "digest.lead.no_other": "No other goal missed.",
        "digest.lead.improved": "Most improved: {name} *{goal}*, {previous} → {value}{now_met}",
        "digest.lead.now_met": " (met now)",
        "digest.lead.no_change": "No goal moved much since the previous window.",
        "digest.lead.details": "The scorecard follows. Each department's numbers, the oldest open tickets and "
        "complaints by lifecycle stage are in this message's thread.",
        "digest.lead.fallback": "Crossdesk daily digest for {day}: {met} of {goals} shared goals met.",
        "digest.lead.file_title": "Crossdesk — shared goals, {day}",
        "report_page.title": "Shared goals, {start} to {end}",
        "report_page.meta": "Crossdesk report for {start} to {end} ({tz}), each goal over the whole period and "
        "compared "
        "with the period of the same length before it. Made {generated}.",
        "report_page.scorecard": "Scorecard",
        "report_page.scorecard_alt": "The scorecard: each department's value of each goal, coloured met, near or "
        "missed",
        "report_page.table": "Every number",
        "report_page.department": "Department",
        "report_page.previous": "before: {value}",
        "report_page.verdict.met": "met",
        "report_page.verdict.near": "near",
        "report_page.verdict.missed": "missed",
        "report_page.verdict.none": "nothing to judge",
        "report_page.trend": "Period by period",
        "report_page.trend_alt": "Each goal over the periods before this one, a line per department and the company's",
        "report_page.chart.title": "Shared goals over {weeks} periods of {days} days to {end}",
        "report_page.definitions": "What each goal counts",
        "report_page.means.ack_within_sla": "Of the tickets whose acknowledge deadline was decided in the period (met, "
        "or "
        "passed unmet), the share acknowledged in time; counted for the department the ticket was in then. Deadlines "
        "run in working hours, skip holidays and stop while a ticket waits.",
        "report_page.means.resolve_within_sla": "The same for resolving: of the tickets whose resolve deadline was "
        "decided, "
        "the share resolved in time. A ticket waiting on someone before its deadline is not judged yet.",
        "report_page.means.csat": "The mean of the 1–5 ratings requesters gave in the period.",
        "report_page.means.consult_within_sla": "Of the questions between departments whose deadline was decided, the "
        "share "
        "answered in time.",
        "report_page.means.complaint_resolve_median": "The median working time complaints resolved in the period took, "
        "time "
        "spent waiting left out; a day is a working day.",
        "report_page.means.bounce_rate": "Of the tickets a department handled in the period, the share it passed on to "
        "another department.",
        "report_page.means.open": "Tickets not yet resolved at the end of the period.",
        "report_page.means.overdue": "Of those, the ones past a deadline at the end of the period.",
        "report_page.near": "Near: within {share} points of a share, {score} of a score, {duration} % of a time, "
        "{count} % of a count (at least one ticket).",
        "review.header": "Shared goals, week by week — {day}",
        "review.context": "Each goal at the end of each of the last {weeks} weeks, over its own window; a line reads "
        "oldest week first (▁ low, █ high, · nothing to judge). As of {time} ({tz}).",
        "review.goal": "*{name}* ({target})",
        "review.line": "{spark}  {name}: {first} → {value} {verdict}",
        "review.company": "*Company*",
        "review.met_weeks": " · met in {met} of {weeks} weeks",
        "review.handoffs": "*Hand-offs between departments, last {days} days* (the map is in this message's thread)",
        "review.satisfaction": "*Satisfaction, last {days} days:* {score} from {count} {count:rating|ratings}",
        "review.satisfaction.part": "{name} {score} ({count})",
        "review.complaints": "*Customer complaints by lifecycle stage, last {days} days* ({total} in all)",
        "review.complaint_times": "Time to first response: median {first} ({answered} of {opened} answered) · to "
        "resolve: median {resolve} ({resolved} of {opened} resolved)",
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
        "digest.lead.tally": "*{goals} 个目标达成 {met} 个*",
        "digest.lead.unjudged": "（{count} 个暂无数据）",
        "digest.lead.worst": "；{name} 未达成 *{goal}*：{value}，目标 {target}{change}",
        "digest.lead.worst_near": "；{name} 接近 *{goal}*：{value}，目标 {target}{change}",
        "digest.lead.all_met": "；各部门均达成有数据的全部目标",
        "digest.lead.change.down": "，上期为 {previous}",
        "digest.lead.change.up": "，上期为 {previous}",
        "digest.lead.change.steady": "，与上期持平",
        "digest.lead.also": "另未达成：{items}",
        "digest.lead.also_item": "{name} *{goal}* {value}（目标 {target}）",
        "digest.lead.separator": "；",
        "digest.lead.also_more": "；另有 {count} 项",
        "digest.lead.no_other": "没有其他未达成的目标。",
        "digest.lead.improved": "进步最大：{name} *{goal}*，{previous} → {value}{now_met}",
        "digest.lead.now_met": "（现已达成）",
        "digest.lead.no_change": "与上期相比，各目标变化不大。",
        "digest.lead.details": "下方为记分卡。各部门的数字、最久未关闭的工单和按客户生命周期阶段统计的投诉"
        "见本消息的讨论串。",
        "digest.lead.fallback": "Crossdesk {day} 每日简报：{goals} 个共同目标达成 {met} 个。",
        "digest.lead.file_title": "Crossdesk — 共同目标，{day}",
        "report_page.title": "共同目标，{start} 至 {end}",
        "report_page.meta": "Crossdesk 报告：{start} 至 {end}（{tz}），每个目标按整个期间计算，"
        "并与之前同样长度的期间比较。生成于 {generated}。",
        "report_page.scorecard": "记分卡",
        "report_page.scorecard_alt": "记分卡：各部门每个目标的数值，按达成、接近、未达成着色",
        "report_page.table": "全部数字",
        "report_page.department": "部门",
        "report_page.previous": "上期：{value}",
        "report_page.verdict.met": "达成",
        "report_page.verdict.near": "接近",
        "report_page.verdict.missed": "未达成",
        "report_page.verdict.none": "无数据",
        "report_page.trend": "逐期走势",
        "report_page.trend_alt": "每个目标在此前各期的数值，每个部门一条线，另有全公司",
        "report_page.chart.title": "共同目标：截至 {end} 的 {weeks} 个 {days} 天期间",
        "report_page.definitions": "各目标的计算方法",
        "report_page.means.ack_within_sla": "在本期间内确认时限已见分晓（按时确认或已逾期）的工单中，按时确认的比例；"
        "计入当时所在的部门。时限按工作时间计算，节假日不计，等待期间暂停。",
        "report_page.means.resolve_within_sla": "解决时限同理：解决时限已见分晓的工单中按时解决的比例。"
        "在时限前进入等待的工单暂不评判。",
        "report_page.means.csat": "本期间内提交的 1–5 分满意度评分的平均值。",
        "report_page.means.consult_within_sla": "时限已见分晓的跨部门咨询中，按时答复的比例。",
        "report_page.means.complaint_resolve_median": "本期间内解决的投诉所用工作时间的中位数，不含等待时间；"
        "一天指一个工作日。",
        "report_page.means.bounce_rate": "部门在本期间经手的工单中，转给其他部门的比例。",
        "report_page.means.open": "期末尚未解决的工单。",
        "report_page.means.overdue": "其中期末已超过时限的工单。",
        "report_page.near": "接近：比例相差 {share} 个百分点以内、评分相差 {score} 以内、时长相差 {duration}% 以内、"
        "数量相差 {count}% 以内（至少一张工单）。",
        "review.header": "共同目标逐周回顾 — {day}",
        "review.context": "每个目标在最近 {weeks} 周每周末的数值，各按其统计周期计算；每行从最早一周读起"
        "（▁ 低，█ 高，· 无数据）。截至 {time}（{tz}）。",
        "review.goal": "*{name}*（{target}）",
        "review.line": "{spark}  {name}：{first} → {value} {verdict}",
        "review.company": "*全公司*",
        "review.met_weeks": " · {weeks} 周中 {met} 周达成",
        "review.handoffs": "*最近 {days} 天的跨部门交接*（交接图见本消息的讨论串）",
        "review.satisfaction": "*最近 {days} 天满意度：* {score}，共 {count} 条评分",
        "review.satisfaction.part": "{name} {score}（{count}）",
        "review.complaints": "*按客户生命周期阶段统计的投诉，最近 {days} 天*（共 {total} 件）",
        "review.complaint_times": "首次响应用时：中位数 {first}（{opened} 件中已响应 {answered} 件）· 解决用时："
        "中位数 {resolve}（{opened} 件中已解决 {resolved} 件）",
        "review.fallback": "Crossdesk {day} 周报：全公司达成 {goals} 个共同目标中的 {met} 个。",
        "review.no_goals": "尚未设置共同目标：在工作区文件中加入 `goals:`（见指南的“共同目标”一节），"
        "`/digest week` 即可逐周显示每个目标。",
        "review.file_title": "Crossdesk — 共同目标逐周走势，截至 {day} 的 {weeks} 周",
        "review.unknown_digest": "`/digest` 不认识“{asked}”：`/digest` 显示今天的简报，"
        "`/digest week` 逐周显示共同目标。",
    },
}
