"""Messages about customers: the customer on a ticket's card, linking and correcting it, what the account manager is
told, the customer's own card (``/customer``), App Home's "Your customers", complaints and the at-risk flag."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # on the ticket card
        "customers.card.line": ":bust_in_silhouette: *{customer}*{stage}{manager}",
        "customers.card.stage": " · {stage}",
        "customers.card.manager": " · account manager <@{manager}>",
        "customers.card.at_risk": " · :warning: *at risk*",
        "customers.card.button.show": "Customer",
        "customers.card.button.change": "Change customer",
        # linking
        "customers.thread.linked": ":bust_in_silhouette: {actor} set the customer to *{customer}* · {at}",
        "customers.thread.changed": ":bust_in_silhouette: {actor} changed the customer from {previous} to "
        "*{customer}* · {at}",
        "customers.thread.unlinked": ":bust_in_silhouette: {actor} removed the customer {previous} · {at}",
        "customers.command.linked": "*{key}* is now for the customer *{customer}*.",
        "customers.command.created": "*{key}* is now for the customer *{customer}*, a new customer: set their "
        "stage and account manager in the workspace file or with `crossdesk import-customers`.",
        "customers.command.unlinked": "*{key}* is no longer linked to a customer.",
        "customers.error.same": "*{key}* is already for {customer}.",
        "customers.error.none_to_remove": "*{key}* is not linked to a customer.",
        "customers.error.bad_name": "That is not a customer name: it {problem}.",
        "customers.error.unknown": "That customer no longer exists; choose another one.",
        "customers.error.not_found": "No customer is called {name}. `/customer` with the start of a name lists "
        "the ones it could be.",
        "usage.customer": "Usage: `/ticket customer KEY <customer name>`, e.g. `/ticket customer SUP-12 "
        "ACME Corp` (a customer by that name is made if there is none).",
        "customers.usage.command": "Usage: `/customer <name>`, e.g. `/customer ACME Corp`: the customer's stage, "
        "account manager and tickets in every department.",
        "role.manager": "the customer's account manager",
        "verb.set_customer": "change the customer of",
        "action.customer_linked": "set its customer",
        "action.customer_unlinked": "removed its customer",
        "help.customer": "`/ticket customer KEY <name>` — the customer a ticket is for (made if new); "
        "`/customer <name>` — a customer's card: stage, account manager, tickets in every department",
        # the forms
        "customers.form.label": "Customer",
        "customers.form.placeholder": "Type a name or alias",
        "customers.form.hint": "Left empty, a customer named in the text is linked by itself.",
        "customers.form.new": "New customer: {name}",
        "customers.form.option": "{name} ({detail})",
        "customers.form.change_title": "Change customer",
        "customers.form.change_intro": "Which customer is *{key}* for? Now: {customer}. Leave the choice empty for "
        "no customer.",
        "customers.form.change_submit": "Save",
        "customers.form.no_customer": "none",
        # the customer's own card (/customer, the Customer button)
        "customers.page.title": "Customer",
        "customers.page.close": "Close",
        "customers.page.fallback": "{customer}: {count} open {count:ticket|tickets}",
        "customers.page.stage": "Lifecycle stage",
        "customers.page.manager": "Account manager",
        "customers.page.aliases": "Also called",
        "customers.page.external_id": "External id",
        "customers.page.at_risk": ":warning: *At risk* since {since}: several complaints within {days} days.",
        "customers.page.open": "Open tickets in every department ({count})",
        "customers.page.open_empty": "None.",
        "customers.page.open_line": "*{key}* {title} — {department} · <@{owner}> · {status} · due {due}",
        "customers.page.finished": "Last finished",
        "customers.page.finished_empty": "None yet.",
        "customers.page.finished_line": "*{key}* {title} — {department} · {status} {at}",
        "customers.page.complaints": "Complaints in the last {days} days ({count})",
        "customers.page.complaints_empty": "No complaint in the last {days} days.",
        "customers.page.satisfaction": "Satisfaction",
        "customers.page.satisfaction_score": "{average} of 5, from {count} {count:rating|ratings}",
        "customers.page.satisfaction_none": "No ratings yet.",
        "customers.page.not_shown": "{count} private {count:ticket|tickets} not shown",
        "customers.page.more": "… and {count} more",
        "customers.page.not_found_close": "No customer is called {name}. Perhaps: {names}.",
        # the account manager
        "customers.dm.opened": ":bust_in_silhouette: A ticket for your customer *{customer}* was opened: *{key}* "
        "{title} — {department}, owner <@{owner}>. {link}",
        "customers.dm.linked": ":bust_in_silhouette: <@{actor}> linked *{key}* {title} to your customer "
        "*{customer}* — {department}, owner <@{owner}>. {link}",
        "customers.dm.resolved": ":white_check_mark: *{key}* {title} for your customer *{customer}* was resolved by "
        "<@{actor}>{note} ({department}). {link}",
        "customers.dm.escalated": ":rotating_light: <@{actor}> escalated *{key}* {title} for your customer "
        "*{customer}* to {priority}{reason} — {department}, owner <@{owner}>. {link}",
        "customers.dm.reminders_escalated": ":rotating_light: *{key}* {title} for your customer *{customer}* was "
        "escalated to the lead of {department} after {count} unanswered {count:reminder|reminders} to <@{owner}>. "
        "{link}",
        "customers.dm.bounced": ":rotating_light: *{key}* {title} for your customer *{customer}* was passed between "
        "departments {count} {count:time|times} ({departments}) and escalated to their leads; it is with <@{owner}> "
        "in {department} now. {link}",
        # App Home
        "customers.home.title": "Your customers",
        "customers.home.line": "*{customer}* · *{key}* {title} — {department} · <@{owner}> · {status} · due "
        "{due}{overdue}",
        "customers.home.empty": "No open tickets for your {count} {count:customer|customers}.",
        # at risk
        "customers.risk.dm": ":warning: Your customer *{customer}* is at risk: {count} complaints in the last {days} "
        "days. Suggested next step: {suggestion} (`/customer {customer}` shows everything open for them.)",
        "customers.risk.suggestion": "call them within a day, name one owner for everything open for them, and "
        "offer a review meeting",
    },
    "zh": {
        "customers.card.line": ":bust_in_silhouette: *{customer}*{stage}{manager}",
        "customers.card.stage": " · {stage}",
        "customers.card.manager": " · 客户经理 <@{manager}>",
        "customers.card.at_risk": " · :warning: *流失风险*",
        "customers.card.button.show": "客户",
        "customers.card.button.change": "更换客户",
        "customers.thread.linked": ":bust_in_silhouette: {actor} 将客户设为 *{customer}* · {at}",
        "customers.thread.changed": ":bust_in_silhouette: {actor} 将客户从 {previous} 改为 *{customer}* · {at}",
        "customers.thread.unlinked": ":bust_in_silhouette: {actor} 移除了客户 {previous} · {at}",
        "customers.command.linked": "*{key}* 现在属于客户 *{customer}*。",
        "customers.command.created": "*{key}* 现在属于新客户 *{customer}*：请在工作区文件或用 "
        "`crossdesk import-customers` 设置其阶段和客户经理。",
        "customers.command.unlinked": "*{key}* 不再关联客户。",
        "customers.error.same": "*{key}* 已经属于 {customer}。",
        "customers.error.none_to_remove": "*{key}* 没有关联客户。",
        "customers.error.bad_name": "这不是一个客户名称：它{problem}。",
        "customers.error.unknown": "该客户已不存在，请另选一个。",
        "customers.error.not_found": "没有名为 {name} 的客户。用 `/customer` 加名称的开头可列出可能的客户。",
        "usage.customer": "用法：`/ticket customer KEY <客户名称>`，例如 `/ticket customer SUP-12 ACME Corp`"
        "（没有该名称的客户时会新建一个）。",
        "customers.usage.command": "用法：`/customer <名称>`，例如 `/customer ACME Corp`：查看客户的阶段、客户经理和"
        "各部门的工单。",
        "role.manager": "客户经理",
        "verb.set_customer": "更改客户",
        "action.customer_linked": "设置了客户",
        "action.customer_unlinked": "移除了客户",
        "help.customer": "`/ticket customer KEY <名称>` —— 设置工单所属客户（新客户会被创建）；"
        "`/customer <名称>` —— 客户卡片：阶段、客户经理、各部门的工单",
        "customers.form.label": "客户",
        "customers.form.placeholder": "输入名称或别名",
        "customers.form.hint": "留空时，文本中提到的客户会自动关联。",
        "customers.form.new": "新客户：{name}",
        "customers.form.option": "{name}（{detail}）",
        "customers.form.change_title": "更换客户",
        "customers.form.change_intro": "*{key}* 属于哪个客户？当前：{customer}。不选则不关联客户。",
        "customers.form.change_submit": "保存",
        "customers.form.no_customer": "无",
        "customers.page.title": "客户",
        "customers.page.close": "关闭",
        "customers.page.fallback": "{customer}：{count} 张未完成工单",
        "customers.page.stage": "生命周期阶段",
        "customers.page.manager": "客户经理",
        "customers.page.aliases": "别名",
        "customers.page.external_id": "外部编号",
        "customers.page.at_risk": ":warning: 自 {since} 起有*流失风险*：{days} 天内多次投诉。",
        "customers.page.open": "各部门未完成的工单（{count}）",
        "customers.page.open_empty": "无。",
        "customers.page.open_line": "*{key}* {title}——{department} · <@{owner}> · {status} · 期限 {due}",
        "customers.page.finished": "最近完成",
        "customers.page.finished_empty": "暂无。",
        "customers.page.finished_line": "*{key}* {title}——{department} · {status} {at}",
        "customers.page.complaints": "最近 {days} 天的投诉（{count}）",
        "customers.page.complaints_empty": "最近 {days} 天没有投诉。",
        "customers.page.satisfaction": "满意度",
        "customers.page.satisfaction_score": "{average} 分（满分 5），共 {count} 个评分",
        "customers.page.satisfaction_none": "暂无评分。",
        "customers.page.not_shown": "另有 {count} 张私密工单未显示",
        "customers.page.more": "……另有 {count} 项",
        "customers.page.not_found_close": "没有名为 {name} 的客户。可能是：{names}。",
        "customers.dm.opened": ":bust_in_silhouette: 您的客户 *{customer}* 有新工单：*{key}* {title} —— "
        "{department}，负责人 <@{owner}>。{link}",
        "customers.dm.linked": ":bust_in_silhouette: <@{actor}> 将 *{key}* {title} 关联到您的客户 *{customer}* —— "
        "{department}，负责人 <@{owner}>。{link}",
        "customers.dm.resolved": ":white_check_mark: 您的客户 *{customer}* 的工单 *{key}* {title} 已由 <@{actor}> "
        "解决{note}（{department}）。{link}",
        "customers.dm.escalated": ":rotating_light: <@{actor}> 将您的客户 *{customer}* 的工单 *{key}* {title} 升级为"
        "{priority}{reason} —— {department}，负责人 <@{owner}>。{link}",
        "customers.dm.reminders_escalated": ":rotating_light: 您的客户 *{customer}* 的工单 *{key}* {title} 在 "
        "<@{owner}> 未回应 {count} 次提醒后，已升级给{department}主管。{link}",
        "customers.dm.bounced": ":rotating_light: 您的客户 *{customer}* 的工单 *{key}* {title} 已在部门间转交 {count} "
        "次（{departments}），已升级给相关主管；现由{department}的 <@{owner}> 负责。{link}",
        "customers.home.title": "我的客户",
        "customers.home.line": "*{customer}* · *{key}* {title}——{department} · <@{owner}> · {status} · 期限 "
        "{due}{overdue}",
        "customers.home.empty": "您的 {count} 个客户没有未完成的工单。",
        "customers.risk.dm": ":warning: 您的客户 *{customer}* 有流失风险：最近 {days} 天内投诉 {count} 次。"
        "建议的挽回措施：{suggestion}（`/customer {customer}` 可查看其所有未完成的工单。）",
        "customers.risk.suggestion": "一天内致电客户，为其所有未完成的工单指定一位负责人，并提议召开回顾会议",
    },
}
