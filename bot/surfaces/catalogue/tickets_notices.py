"""Ticket messages the bot sends on its own: DMs, lines in the ticket's thread, department channel notices,
answers to reactions, and settled prompts."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "dm.new_ticket": "You own a new ticket *{key}* ({priority}) from <@{requester}>: {title}\n"
        "Acknowledge by {ack_due}. {link}",
        "dm.open_ticket": "<{url}|Open the ticket thread>",
        "department.new_ticket": ":inbox_tray: New ticket *{key}* ({priority}) for <@{owner}>: {title} {link}",
        "department.new_private_ticket": ":inbox_tray: :lock: New private ticket *{key}* ({priority}) for "
        "<@{owner}>. It was asked in a private conversation, so only the people it concerns can read it "
        "(`/ticket show {key}`).",
        "dm.private_ticket_opened": ":lock: Your ticket *{key}* is private, as the conversation it came from: its "
        "card went to its owner <@{owner}>, and only the people it concerns can read it. Follow it with "
        "`/ticket show {key}` or on my Home tab.",
        "thread.acknowledged": ":eyes: {actor} acknowledged this ticket · {at}",
        "thread.resolved": ":white_check_mark: {actor} resolved this ticket · {at}{note}",
        "thread.closed": ":lock: {actor} closed this ticket · {at}{note}",
        "thread.reopened": ":leftwards_arrow_with_hook: {actor} reopened this ticket · {at}",
        "reaction.exists": "This message is already ticket *{key}* (owner <@{owner}>).",
        "thread.waiting": ":hourglass_flowing_sand: {actor} set this ticket to wait for the requester{note} · {at}",
        "thread.blocked": ":construction: {actor} marked this ticket blocked{note} · {at}",
        "thread.resumed": ":arrow_forward: {actor} resumed work on this ticket; resolve by {due} · {at}",
        "dm.waiting_on_you": "<@{actor}> needs your answer to go on with *{key}* {title}{note}. Reply in the "
        "ticket's thread, or here; the clock is stopped until you do. {link}",
        "thread.answered": ":speech_balloon: {actor} answered; the clock runs again, resolve by {due} · {at}",
        "thread.answered_dm": ":speech_balloon: {actor} answered by DM; the clock runs again, resolve by {due} · "
        "{at}{answer}",
        "dm.requester_answered": "<@{requester}> answered on *{key}* {title}; it is back in progress, resolve by "
        "{due}. {link}{answer}",
        "dm.answer_taken": "Thank you: your answer went to *{key}*, and <@{owner}> has been told. {link}",
        "dm.answer_which": "Which ticket does this answer? Waiting for your answer: {keys}. Reply in the thread of "
        "my message about it, or write its key (e.g. {example}) in your message.",
        "dm.nothing_waiting": "None of your tickets is waiting for your answer, so I did not pass this on. To comment "
        "on a ticket, reply in its thread; `/ticket help` shows what else I can do.",
        "dm.offer_withdrawn": "The hand-off of *{key}* to you was withdrawn by <@{actor}>; nothing to do.",
        "thread.bounce_note": "moved between {path}",
        "thread.handoff_requested": ":arrow_right: {actor} offered this ticket to <@{owner}>{reason} · {at}",
        "thread.handoff_accepted": ":handshake: {actor} accepted: <@{owner}> now owns this ticket "
        "(was <@{previous}>) · {at}",
        "thread.handoff_declined": ":no_entry_sign: {actor} declined to take this ticket: {reason} · {at}",
        "thread.bounce_escalated": ":ping_pong: This ticket has moved between departments {count} {count:time|times} "
        "({departments}); their leads have been asked to settle who owns it · {at}",
        "thread.escalated": ":rotating_light: {actor} escalated this ticket to {priority}{reason} · {at}",
        "dm.resolved": "*{key}* {title} was resolved by <@{actor}>{note}. Is it really solved? "
        "It closes by itself on {closes} unless you reopen it. {link}",
        "dm.handoff_offer": "<@{actor}> asks you to take over *{key}* {title} for {department}{reason}. "
        "Until you accept, the current owner stays responsible. {link}",
        "dm.handoff_accepted": "<@{owner}> accepted *{key}* and owns it now. {link}",
        "dm.handoff_declined": "<@{person}> declined to take *{key}*: {reason}. <@{owner}> still owns it. {link}",
        "dm.bounce_escalated": ":ping_pong: *{key}* {title} has moved between departments {count} {count:time|times} "
        "({departments}). Please agree on one owner; <@{owner}> has it now. {link}",
        "dm.reopened": "<@{actor}> reopened *{key}* {title}; it is yours again. {link}",
        "department.escalated": ":rotating_light: <@{actor}> escalated *{key}* {title} (owner <@{owner}>) "
        "to {priority}{reason}. {link}",
        "department.escalated_private": ":rotating_light: :lock: <@{actor}> escalated private ticket *{key}* "
        "(owner <@{owner}>) to {priority}.",
        "prompt.declined": "You declined *{key}*.",
        "prompt.superseded": "A newer message about *{key}* replaces this one.",
        "prompt.last_change": "Since it was sent, {actor} {action} ({at}). ",
        "reaction.no_text": "That message has no text to make a ticket from; use the Create ticket shortcut "
        "on it and describe the problem.",
        "reaction.escalated": "reacted with :{emoji}:",
    },
    "zh": {
        "dm.new_ticket": "你有一张新工单 *{key}*（{priority}），提出人 <@{requester}>：{title}\n"
        "请在 {ack_due} 前确认。{link}",
        "dm.open_ticket": "<{url}|打开工单讨论串>",
        "department.new_ticket": ":inbox_tray: 新工单 *{key}*（{priority}），负责人 <@{owner}>：{title} {link}",
        "department.new_private_ticket": ":inbox_tray: :lock: 新的私密工单 *{key}*（{priority}），负责人 <@{owner}>。"
        "它来自私密会话，只有相关人员可以查看（`/ticket show {key}`）。",
        "dm.private_ticket_opened": ":lock: 你的工单 *{key}* 与其来源会话一样是私密的：工单卡片已发给负责人 "
        "<@{owner}>，只有相关人员可以查看。可用 `/ticket show {key}` 或在我的主页标签中跟进。",
        "thread.acknowledged": ":eyes: {actor} 已确认此工单 · {at}",
        "thread.resolved": ":white_check_mark: {actor} 已解决此工单 · {at}{note}",
        "thread.closed": ":lock: {actor} 已关闭此工单 · {at}{note}",
        "thread.reopened": ":leftwards_arrow_with_hook: {actor} 重新打开了此工单 · {at}",
        "reaction.exists": "这条消息已是工单 *{key}*（负责人 <@{owner}>）。",
        "thread.waiting": ":hourglass_flowing_sand: {actor} 将此工单设为等待提出人回复{note} · {at}",
        "thread.blocked": ":construction: {actor} 将此工单标记为受阻{note} · {at}",
        "thread.resumed": ":arrow_forward: {actor} 恢复处理此工单；解决期限 {due} · {at}",
        "dm.waiting_on_you": "<@{actor}> 需要你的回复才能继续处理 *{key}* {title}{note}。请在工单讨论串中或直接在这里"
        "回复；在你回复之前计时暂停。{link}",
        "thread.answered": ":speech_balloon: {actor} 已回复；计时恢复，解决期限 {due} · {at}",
        "thread.answered_dm": ":speech_balloon: {actor} 通过私信回复；计时恢复，解决期限 {due} · {at}{answer}",
        "dm.requester_answered": "<@{requester}> 回复了 *{key}* {title}；工单恢复处理，解决期限 {due}。{link}{answer}",
        "dm.answer_taken": "谢谢：你的回复已记入 *{key}*，并已告知 <@{owner}>。{link}",
        "dm.answer_which": "这条回复是针对哪个工单的？等待你回复的有：{keys}。请在我关于该工单的消息的讨论串中回复，"
        "或在消息中写上工单号（例如 {example}）。",
        "dm.nothing_waiting": "你没有等待你回复的工单，所以这条消息没有转给任何人。要评论工单，请在其讨论串中回复；"
        "`/ticket help` 可查看其他用法。",
        "dm.offer_withdrawn": "<@{actor}> 撤回了转交给你的 *{key}*，无需处理。",
        "thread.bounce_note": "在 {path} 之间转交",
        "thread.handoff_requested": ":arrow_right: {actor} 将此工单转交给 <@{owner}>{reason} · {at}",
        "thread.handoff_accepted": ":handshake: {actor} 已接受：此工单现由 <@{owner}> 负责"
        "（原为 <@{previous}>） · {at}",
        "thread.handoff_declined": ":no_entry_sign: {actor} 拒绝接手此工单：{reason} · {at}",
        "thread.bounce_escalated": ":ping_pong: 此工单已在部门间转交 {count} 次（{departments}），"
        "已请各部门主管确定负责人 · {at}",
        "thread.escalated": ":rotating_light: {actor} 将此工单升级为{priority}{reason} · {at}",
        "dm.resolved": "*{key}* {title} 已由 <@{actor}> 解决{note}。确实解决了吗？"
        "如不重新打开，将于 {closes} 自动关闭。{link}",
        "dm.handoff_offer": "<@{actor}> 请你为{department}接手 *{key}* {title}{reason}。"
        "在你接受之前，原负责人仍然负责。{link}",
        "dm.handoff_accepted": "<@{owner}> 已接受 *{key}*，现由其负责。{link}",
        "dm.handoff_declined": "<@{person}> 拒绝接手 *{key}*：{reason}。仍由 <@{owner}> 负责。{link}",
        "dm.bounce_escalated": ":ping_pong: *{key}* {title} 已在部门间转交 {count} 次（{departments}）。"
        "请商定唯一负责人；目前由 <@{owner}> 负责。{link}",
        "dm.reopened": "<@{actor}> 重新打开了 *{key}* {title}，仍由你负责。{link}",
        "department.escalated": ":rotating_light: <@{actor}> 将 *{key}* {title}（负责人 <@{owner}>）"
        "升级为{priority}{reason}。{link}",
        "department.escalated_private": ":rotating_light: :lock: <@{actor}> 将私密工单 *{key}*（负责人 <@{owner}>）"
        "升级为{priority}。",
        "prompt.declined": "你已拒绝 *{key}*。",
        "prompt.superseded": "关于 *{key}* 有一条更新的消息，取代了这一条。",
        "prompt.last_change": "此消息发出后，{actor}{action}（{at}）。",
        "reaction.no_text": "这条消息没有文字，无法创建工单；请对其使用“创建工单”快捷方式并描述问题。",
        "reaction.escalated": "添加了 :{emoji}: 表情",
    },
}
