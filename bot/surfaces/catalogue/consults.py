"""Messages about consults: one department asking another a question about a ticket it keeps, and the answer."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "status.blocked_on_consult": "Waiting on another department",
        "consult.status.waiting_on": "Waiting on {department} ({consult})",
        "action.consult_asked": "asked another department",
        "action.consult_answered": "answered a question about it",
        "action.consult_declined": "declined a question about it",
        "action.answered": "answered it",
        "action.declined": "declined it",
        "action.waiting_on_consult": "put it on hold for an answer",
        "verb.ask": "ask another department about",
        "verb.answer": "answer or decline",
        # the card
        "consult.card.button.ask": "Ask another department",
        "consult.card.button.answer": "Answer",
        "consult.card.button.decline": "Decline",
        "consult.card.pause": "Wait for {consult} ({department})",
        "consult.card.header": "*Asked of other departments* ({count})",
        "consult.card.line": "• *{key}* {department} — <@{owner}> · {status} · {phase} by {due}{waiting}",
        "consult.card.phase.acknowledge": "acknowledge",
        "consult.card.phase.answer": "answer",
        "consult.card.waited_for": " · :hourglass: this ticket waits for it",
        "consult.card.about": ":question: A question from {department} about {parent}, asked by <@{asker}>",
        "consult.card.question": "*Question*",
        "consult.card.answer_due": "Answer by",
        # threads and DMs
        "consult.thread.asked": ":question: {actor} asked {department}: *{consult}*, owner <@{owner}>, answer by "
        "{due}{waiting} · {at}{question}",
        "consult.waiting_note": "; this ticket waits for the answer, its clock stopped",
        "consult.thread.waiting": ":hourglass: {actor} put this ticket on hold for the answer to *{consult}* "
        "({department}); its clock is stopped · {at}",
        "consult.dm.new": ":question: <@{asker}> of {department} asks about *{parent}* {title}: you own the question "
        "*{key}* ({priority}). Acknowledge by {ack_due}; answer by {resolve_due} with *Answer* on its card or "
        "`/ticket answer {key} <answer>`. {link}{question}",
        "consult.department.new": ":question: New question *{key}* ({priority}) from {department} for <@{owner}>: "
        "{title} {link}",
        "consult.thread.answered_here": ":white_check_mark: {actor} answered this question; the answer went to "
        "*{parent}* · {at}{answer}",
        "consult.thread.answered": ":speech_balloon: {actor} answered *{consult}* for {department}{resumed} · "
        "{at}{answer}",
        "consult.resumed_note": "; the clock runs again, resolve by {due}",
        "consult.dm.answered": ":speech_balloon: {department} answered *{consult}* about *{parent}* {title} "
        "(<@{actor}>){resumed}. {link}{answer}",
        "consult.thread.declined_here": ":no_entry_sign: {actor} declined this question: {reason} · {at}",
        "consult.thread.declined": ":no_entry_sign: {actor} declined *{consult}* for {department}: "
        "{reason}{resumed} · {at}",
        "consult.dm.declined": ":no_entry_sign: {department} declined *{consult}* about *{parent}* {title} "
        "(<@{actor}>): {reason}{resumed}. Ask again, ask another department, or hand the ticket off. {link}",
        # answers to commands and forms
        "consult.command.asked": "Asked {department}: *{key}*, owner <@{owner}>, acknowledge by {ack_due}, answer "
        "by {resolve_due}. *{parent}* stays yours{waiting}.",
        "consult.command.asked_waiting": "; it waits for the answer, its clock stopped",
        "consult.command.answered": "You answered *{key}*; the answer went to *{parent}* and its owner <@{owner}>.",
        "consult.command.declined": "You declined *{key}*; <@{asker}> has been told why.",
        "consult.command.waiting": "*{key}* waits for the answer to *{consult}*; its clock is stopped until then.",
        "help.consult": "`/ticket ask KEY DEPT [priority] <question>` ask another department (a ticket of its own "
        "there; yours stays yours) · `/ticket answer KEY <answer>` / `/ticket decline KEY <reason>` answer or "
        "decline a question · `/ticket block KEY CONSULT` wait for its answer",
        "usage.ask": "Usage: `/ticket ask KEY DEPT [priority] <question>`, e.g. "
        "`/ticket ask SUP-12 ENG Was order 1042 charged twice?`.",
        "usage.answer": "Usage: `/ticket answer KEY <answer>`, e.g. `/ticket answer ENG-7 Yes, refunded once`.",
        # refusals
        "consult.error.not_consult": "*{key}* is not a question from another department. `/ticket answer` answers "
        "those (their cards say so); to finish a ticket, use `/ticket close {key} <note>`.",
        "consult.error.question_required": "Write the question: `/ticket ask KEY DEPT <question>`.",
        "consult.error.answer_required": "Write the answer: `/ticket answer {key} <answer>`.",
        "consult.error.resolve_with_answer": "*{key}* is a question from another department: answer it "
        "(`/ticket answer {key} <answer>`) or decline it (`/ticket decline {key} <reason>`).",
        "consult.error.consult_of_consult": "*{key}* is itself a question to another department; ask about the "
        "ticket it is about instead.",
        "consult.error.same_department": "*{key}* is already {department}'s: ask a colleague in its thread, or ask "
        "another department.",
        "consult.error.no_open_consult": "*{key}* has no open question called *{consult}*; "
        "`/ticket ask {key} DEPT <question>` asks one.",
        "consult.error.not_open_consult": "*{consult}* is not an open question about *{key}*; its open ones: {open}.",
        "consult.error.already_paused": "*{key}* is already on hold ({status}); resume it first.",
        "consult.error.no_other_department": "There is no other department to ask in this workspace.",
        "consult.error.handoff_outside": "*{key}* is a question to {department}: hand it to someone in "
        "{department}, or decline it with a reason.",
        # forms
        "consult.form.ask_title": "Ask a department",
        "consult.form.ask_intro": "Ask another department about *{key}*. It stays yours: the question becomes a "
        "ticket of its own there, with an owner and a clock.",
        "consult.form.department": "Department to ask",
        "consult.form.question": "Question",
        "consult.form.priority": "Priority (only makes the answer due sooner)",
        "consult.form.wait": "While you wait",
        "consult.form.wait_option": "Put this ticket on hold until the answer comes",
        "consult.form.ask": "Ask",
        "consult.form.answer_title": "Answer",
        "consult.form.answer_intro": "*{key}* — {department} asks about *{parent}*:\n{question}",
        "consult.form.answer": "Your answer",
        "consult.form.answer_submit": "Send answer",
        "consult.form.decline_title": "Decline question",
        "consult.form.decline_intro": "Say why {department} cannot answer *{key}*; whoever asked is told.",
        "consult.form.decline": "Decline",
        # App Home, /ticket show
        "consult.home.asked": "Asked of your department",
        "consult.home.asked_empty": "No open questions from other departments.",
        "consult.home.asked_line": "*{key}* {title} — from {department} about *{parent}* · <@{owner}> · {status} · "
        "due {due}{overdue}",
        "consult.home.waiting": "Waiting on other departments",
        "consult.home.waiting_empty": "None of your tickets waits on another department.",
        "consult.home.waiting_line": "*{key}* {title} · {status}",
        "consult.show.about": "A question from {department} about *{parent}*, asked by <@{asker}>:",
        "consult.show.consults": "Asked of other departments:",
        # reminders and the digest
        "consult.reminder.line.acknowledge": "• *{key}* {title} — a question from another department: acknowledge "
        "was due {due} · reminder {step}",
        "consult.reminder.line.resolve": "• *{key}* {title} — a question from another department: the answer was "
        "due {due} · reminder {step}",
        "consult.digest.waiting": " · :hourglass_flowing_sand: waiting on the requester",
        "consult.digest.blocked": " · :construction: blocked",
        "consult.digest.blocked_on_consult": " · :hourglass: waiting on another department",
    },
    "zh": {
        "status.blocked_on_consult": "等待其他部门答复",
        "consult.status.waiting_on": "等待{department}答复（{consult}）",
        "action.consult_asked": "向其他部门提出了咨询",
        "action.consult_answered": "答复了关于此工单的咨询",
        "action.consult_declined": "拒绝了关于此工单的咨询",
        "action.answered": "答复了咨询",
        "action.declined": "拒绝了咨询",
        "action.waiting_on_consult": "挂起工单等待答复",
        "verb.ask": "向其他部门咨询工单",
        "verb.answer": "答复或拒绝",
        "consult.card.button.ask": "咨询其他部门",
        "consult.card.button.answer": "答复",
        "consult.card.button.decline": "拒绝",
        "consult.card.pause": "等待 {consult}（{department}）答复",
        "consult.card.header": "*向其他部门的咨询*（{count}）",
        "consult.card.line": "• *{key}* {department}——<@{owner}> · {status} · {phase}期限 {due}{waiting}",
        "consult.card.phase.acknowledge": "确认",
        "consult.card.phase.answer": "答复",
        "consult.card.waited_for": " · :hourglass: 本工单正在等待其答复",
        "consult.card.about": ":question: {department}关于 {parent} 的咨询，提问人 <@{asker}>",
        "consult.card.question": "*问题*",
        "consult.card.answer_due": "答复期限",
        "consult.thread.asked": ":question: {actor} 向{department}提出咨询：*{consult}*，负责人 <@{owner}>，"
        "答复期限 {due}{waiting} · {at}{question}",
        "consult.waiting_note": "；本工单等待答复，计时暂停",
        "consult.thread.waiting": ":hourglass: {actor} 挂起此工单，等待 *{consult}*（{department}）的答复；"
        "计时暂停 · {at}",
        "consult.dm.new": ":question: {department}的 <@{asker}> 就 *{parent}* {title} 提出咨询：由你负责 *{key}*"
        "（{priority}）。请于 {ack_due} 前确认，{resolve_due} 前通过卡片上的“答复”或 "
        "`/ticket answer {key} <答复>` 答复。{link}{question}",
        "consult.department.new": ":question: 来自{department}的新咨询 *{key}*（{priority}），负责人 <@{owner}>："
        "{title} {link}",
        "consult.thread.answered_here": ":white_check_mark: {actor} 答复了此咨询；答复已转至 *{parent}* · {at}{answer}",
        "consult.thread.answered": ":speech_balloon: {actor} 代表{department}答复了 *{consult}*{resumed} · "
        "{at}{answer}",
        "consult.resumed_note": "；计时恢复，解决期限 {due}",
        "consult.dm.answered": ":speech_balloon: {department}答复了关于 *{parent}* {title} 的咨询 *{consult}*"
        "（<@{actor}>）{resumed}。{link}{answer}",
        "consult.thread.declined_here": ":no_entry_sign: {actor} 拒绝了此咨询：{reason} · {at}",
        "consult.thread.declined": ":no_entry_sign: {actor} 代表{department}拒绝了 *{consult}*："
        "{reason}{resumed} · {at}",
        "consult.dm.declined": ":no_entry_sign: {department}拒绝了关于 *{parent}* {title} 的咨询 *{consult}*"
        "（<@{actor}>）：{reason}{resumed}。可以重新提问、咨询其他部门或转交工单。{link}",
        "consult.command.asked": "已向{department}咨询：*{key}*，负责人 <@{owner}>，确认期限 {ack_due}，"
        "答复期限 {resolve_due}。*{parent}* 仍由你负责{waiting}。",
        "consult.command.asked_waiting": "；它将等待答复，计时暂停",
        "consult.command.answered": "你已答复 *{key}*；答复已转至 *{parent}* 及其负责人 <@{owner}>。",
        "consult.command.declined": "你已拒绝 *{key}*；已告知 <@{asker}> 原因。",
        "consult.command.waiting": "*{key}* 正在等待 *{consult}* 的答复；在此之前计时暂停。",
        "help.consult": "`/ticket ask KEY 部门 [优先级] <问题>` 咨询其他部门（在对方部门生成独立工单，"
        "你的工单仍由你负责） · `/ticket answer KEY <答复>` / `/ticket decline KEY <原因>` 答复或拒绝咨询 · "
        "`/ticket block KEY 咨询编号` 等待其答复",
        "usage.ask": "用法：`/ticket ask KEY 部门 [优先级] <问题>`，"
        "例如 `/ticket ask SUP-12 ENG 订单 1042 是否重复扣款？`。",
        "usage.answer": "用法：`/ticket answer KEY <答复>`，例如 `/ticket answer ENG-7 是的，已退款一次`。",
        "consult.error.not_consult": "*{key}* 不是其他部门的咨询。`/ticket answer` 用于答复咨询（其卡片上有标注）；"
        "要完成工单，请用 `/ticket close {key} <备注>`。",
        "consult.error.question_required": "请写明问题：`/ticket ask KEY 部门 <问题>`。",
        "consult.error.answer_required": "请写明答复：`/ticket answer {key} <答复>`。",
        "consult.error.resolve_with_answer": "*{key}* 是其他部门的咨询：请答复（`/ticket answer {key} <答复>`）"
        "或拒绝（`/ticket decline {key} <原因>`）。",
        "consult.error.consult_of_consult": "*{key}* 本身就是向其他部门的咨询；请针对它所涉及的工单提问。",
        "consult.error.same_department": "*{key}* 已属于{department}：请在讨论串中询问同事，或咨询其他部门。",
        "consult.error.no_open_consult": "*{key}* 没有名为 *{consult}* 的未完成咨询；"
        "可用 `/ticket ask {key} 部门 <问题>` 提出咨询。",
        "consult.error.not_open_consult": "*{consult}* 不是关于 *{key}* 的未完成咨询；其未完成的咨询：{open}。",
        "consult.error.already_paused": "*{key}* 已处于暂停状态（{status}）；请先恢复。",
        "consult.error.no_other_department": "此工作区没有其他部门可以咨询。",
        "consult.error.handoff_outside": "*{key}* 是向{department}的咨询：请转交给{department}的成员，"
        "或说明原因后拒绝。",
        "consult.form.ask_title": "咨询其他部门",
        "consult.form.ask_intro": "就 *{key}* 咨询其他部门。工单仍由你负责：问题会在对方部门生成独立工单，"
        "有负责人和计时。",
        "consult.form.department": "咨询的部门",
        "consult.form.question": "问题",
        "consult.form.priority": "优先级（只会让答复期限提前）",
        "consult.form.wait": "等待期间",
        "consult.form.wait_option": "挂起本工单，直到收到答复",
        "consult.form.ask": "提问",
        "consult.form.answer_title": "答复",
        "consult.form.answer_intro": "*{key}*——{department}关于 *{parent}* 的咨询：\n{question}",
        "consult.form.answer": "你的答复",
        "consult.form.answer_submit": "发送答复",
        "consult.form.decline_title": "拒绝咨询",
        "consult.form.decline_intro": "说明{department}无法答复 *{key}* 的原因；提问人会看到。",
        "consult.form.decline": "拒绝",
        "consult.home.asked": "向本部门的咨询",
        "consult.home.asked_empty": "没有其他部门的未完成咨询。",
        "consult.home.asked_line": "*{key}* {title}——来自{department}，关于 *{parent}* · <@{owner}> · {status} · "
        "期限 {due}{overdue}",
        "consult.home.waiting": "等待其他部门",
        "consult.home.waiting_empty": "你的工单没有在等待其他部门。",
        "consult.home.waiting_line": "*{key}* {title} · {status}",
        "consult.show.about": "{department}关于 *{parent}* 的咨询，提问人 <@{asker}>：",
        "consult.show.consults": "向其他部门的咨询：",
        "consult.reminder.line.acknowledge": "• *{key}* {title}——其他部门的咨询：确认期限 {due} · 第 {step} 次提醒",
        "consult.reminder.line.resolve": "• *{key}* {title}——其他部门的咨询：答复期限 {due} · 第 {step} 次提醒",
        "consult.digest.waiting": " · :hourglass_flowing_sand: 等待提出人回复",
        "consult.digest.blocked": " · :construction: 受阻",
        "consult.digest.blocked_on_consult": " · :hourglass: 等待其他部门答复",
    },
}
