"""Messages of the hand-off map: its lines in the digest and ``/digest``, and the labels of its picture.

Times to answer are working time, so the texts say so once, in the section's header and on the colour scale.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "handoff.digest.header": "*Hand-offs between departments* (last {days} days; times are working hours)",
        "handoff.digest.slowest": "Slowest hand-off: {asking} → {answering}, median {hours} h over {count} "
        "{count:consult|consults}, {share} % on time",
        "handoff.digest.none_answered": "No consult answered yet: {asked} {asked:consult|consults} asked, "
        "{bounces} {bounces:bounce|bounces}.",
        "handoff.digest.most_bounced": "No consults asked; most bounced: {left} → {arrived}, {count} "
        "{count:ticket|tickets}",
        "handoff.digest.picture": "The map of who waits on whom is in this message's thread.",
        "handoff.digest.pair": "• {asking} → {answering}: {asked} asked, {answered} answered, median {median}, "
        "{share} on time, {bounces} {bounces:bounce|bounces}",
        "handoff.share": "{share} %",
        "handoff.chart.title": "Hand-offs between departments, {start} to {end}",
        "handoff.chart.busiest": "the {shown} busiest of {count} departments",
        "handoff.chart.x": "Department asked (answering)",
        "handoff.chart.y": "Department asking",
        "handoff.chart.scale": "Median time to answer (working hours)",
        "handoff.chart.answered": "{answered} of {asked} answered",
        "handoff.chart.bounces": "{count} {count:bounce|bounces}",
        "handoff.chart.file_title": "Crossdesk — hand-offs between departments, {start} to {end}",
    },
    "zh": {
        "handoff.digest.header": "*部门间交接*（最近 {days} 天；用时按工作时间计）",
        "handoff.digest.slowest": "最慢的交接：{asking} → {answering}，中位数 {hours} 小时，共 {count} 个咨询，"
        "{share}% 按时",
        "handoff.digest.none_answered": "尚无已回答的咨询：提问 {asked} 个，转交 {bounces} 次。",
        "handoff.digest.most_bounced": "没有部门间咨询；转交最多：{left} → {arrived}，{count} 张工单",
        "handoff.digest.picture": "谁在等谁的交接图见本消息的讨论串。",
        "handoff.digest.pair": "• {asking} → {answering}：提问 {asked}，已答 {answered}，中位数 {median}，"
        "按时 {share}，转交 {bounces} 次",
        "handoff.share": "{share}%",
        "handoff.chart.title": "部门间交接，{start} 至 {end}",
        "handoff.chart.busiest": "{count} 个部门中最忙的 {shown} 个",
        "handoff.chart.x": "被询问的部门（回答方）",
        "handoff.chart.y": "提问的部门",
        "handoff.chart.scale": "回答用时中位数（工作小时）",
        "handoff.chart.answered": "已答 {answered}/{asked}",
        "handoff.chart.bounces": "转交 {count} 次",
        "handoff.chart.file_title": "Crossdesk — 部门间交接，{start} 至 {end}",
    },
}
