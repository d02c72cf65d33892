"""Messages about linked work: related tickets, duplicates and the people who follow a ticket because their own
request was closed into it."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "links.ticket": "*{key}* ({department}, <@{owner}>, {status})",
        "links.separator": ", ",
        "links.and": "{first} and {last}",
        "links.more": "{count} more",
        "links.more_people": "{count} more {count:person|people}",
        "links.card.requested_by": "Requested by {people} · {source}",
        "links.card.duplicate_of": ":link: Closed as a duplicate of {ticket}",
        "links.card.duplicates": ":link: Duplicates closed into it: {tickets}",
        "links.card.related": ":link: Related: {tickets}",
        "links.show.followers": "Also asked for by {people} (their duplicates were closed into it).",
        "links.thread.linked": ":link: {actor} linked this ticket to *{other}* · {at}",
        "links.thread.duplicate": ":link: {actor} closed this ticket as a duplicate of *{other}* · {at}. The work "
        "goes on there, and its requester hears when it is resolved.",
        "links.thread.duplicate_added": ":link: {actor} closed *{key}* as a duplicate of this ticket · {at}{followers}",
        "links.thread.followers": " — {people} now also {count:hears|hear} when it is resolved",
        "links.thread.followers_private": " — {count} more {count:person|people} (from a private ticket) now also "
        "{count:hears|hear} when it is resolved",
        "links.thread.duplicate_reopened": ":leftwards_arrow_with_hook: {actor} reopened *{key}* · {at}: it is no "
        "longer a duplicate of this ticket",
        "links.dm.duplicate": ":link: <@{actor}> closed your ticket *{key}* as a duplicate of {other}: the same "
        "request, worked on there. You will hear when *{other_key}* is resolved; `/ticket show {other_key}` shows "
        "where it stands.",
        "links.dm.duplicate_done": ":link: <@{actor}> closed your ticket *{key}* as a duplicate of {other}, which is "
        "already resolved (`/ticket show {other_key}`). If that does not settle it for you, reopen yours: "
        "`/ticket reopen {key}`.",
        "links.dm.followed_resolved": ":white_check_mark: *{key}* is resolved by <@{actor}>{note}: {title}\n"
        "You hear of it because your own ticket was closed as a duplicate of it.{way_back}",
        "links.dm.reopen_yours": " If it is not solved for you, reopen yours: `/ticket reopen {key}`.",
        "links.command.linked": "*{key}* and *{other}* are linked: both cards show it.",
        "links.command.duplicate": "*{key}* is closed as a duplicate of *{other}*; {people} will hear when *{other}* "
        "is resolved.",
        "links.command.duplicate_quiet": "*{key}* is closed as a duplicate of *{other}*.",
        "links.error.same_ticket": "*{key}* cannot be linked to itself or be a duplicate of itself: name two tickets.",
        "links.error.already_linked": "*{key}* and *{other}* are already linked.",
        "links.error.duplicate_of_duplicate": "*{other}* is itself a duplicate of *{original}*. Close *{key}* as a "
        "duplicate of the original instead: `/ticket duplicate {key} {original}`.",
        "links.error.reversed": "*{other}* is already closed as a duplicate of *{key}*; reopen *{other}* first to "
        "turn it around.",
        "links.error.consult": "*{key}* is a consult, a question to another department: it is answered or declined, "
        "never closed as a duplicate. `/ticket link` relates it to other work instead.",
        "usage.link": "Usage: `/ticket link KEY OTHER`, e.g. `/ticket link SUP-12 ENG-3`: relates two tickets.",
        "usage.duplicate": "Usage: `/ticket duplicate KEY OTHER`, e.g. `/ticket duplicate SUP-14 SUP-12`: closes "
        "KEY as a duplicate of OTHER; KEY's requester hears when OTHER is resolved.",
        "help.link": "`/ticket link KEY OTHER` relate two tickets (both cards show it) · `/ticket duplicate KEY "
        "OTHER` close KEY as a duplicate of OTHER (its requester hears when OTHER is resolved)",
        "verb.link": "link",
        "verb.duplicate": "close as a duplicate",
        "action.linked": "linked it",
        "action.duplicate": "marked it a duplicate",
        "action.duplicate_added": "closed a duplicate into it",
        "action.duplicate_undone": "made it its own ticket again",
        "action.duplicate_reopened": "reopened a duplicate of it",
    },
    "zh": {
        "links.ticket": "*{key}*（{department}，<@{owner}>，{status}）",
        "links.separator": "、",
        "links.and": "{first} 和 {last}",
        "links.more": "另 {count} 张",
        "links.more_people": "另外 {count} 人",
        "links.card.requested_by": "提出人 {people} · {source}",
        "links.card.duplicate_of": ":link: 已作为 {ticket} 的重复工单关闭",
        "links.card.duplicates": ":link: 并入此工单的重复工单：{tickets}",
        "links.card.related": ":link: 相关工单：{tickets}",
        "links.show.followers": "同样提出此需求的还有 {people}（他们的重复工单已并入此工单）。",
        "links.thread.linked": ":link: {actor} 将此工单与 *{other}* 关联 · {at}",
        "links.thread.duplicate": ":link: {actor} 将此工单作为 *{other}* 的重复工单关闭 · {at}。"
        "后续处理在该工单中进行，解决时会通知本工单的提出人。",
        "links.thread.duplicate_added": ":link: {actor} 将 *{key}* 作为此工单的重复工单关闭 · {at}{followers}",
        "links.thread.followers": " — 此工单解决时也会通知 {people}（共 {count} 人）",
        "links.thread.followers_private": " — 此工单解决时也会通知另外 {count} 人（来自私密工单）",
        "links.thread.duplicate_reopened": ":leftwards_arrow_with_hook: {actor} 重新打开了 *{key}* · {at}："
        "它不再是此工单的重复工单",
        "links.dm.duplicate": ":link: <@{actor}> 已将你的工单 *{key}* 作为 {other} 的重复工单关闭："
        "同一需求，在该工单中处理。*{other_key}* 解决时你会收到通知；`/ticket show {other_key}` 可查看进展。",
        "links.dm.duplicate_done": ":link: <@{actor}> 已将你的工单 *{key}* 作为 {other} 的重复工单关闭，该工单已解决"
        "（`/ticket show {other_key}`）。如果问题对你仍未解决，请重新打开你的工单：`/ticket reopen {key}`。",
        "links.dm.followed_resolved": ":white_check_mark: *{key}* 已由 <@{actor}> 解决{note}：{title}\n"
        "你收到此通知，是因为你的工单已作为它的重复工单关闭。{way_back}",
        "links.dm.reopen_yours": "如果问题对你仍未解决，请重新打开你的工单：`/ticket reopen {key}`。",
        "links.command.linked": "*{key}* 与 *{other}* 已关联，两张卡片都会显示。",
        "links.command.duplicate": "*{key}* 已作为 *{other}* 的重复工单关闭；*{other}* 解决时会通知 {people}。",
        "links.command.duplicate_quiet": "*{key}* 已作为 *{other}* 的重复工单关闭。",
        "links.error.same_ticket": "*{key}* 不能与自身关联，也不能是自身的重复工单：请指定两张工单。",
        "links.error.already_linked": "*{key}* 与 *{other}* 已经关联。",
        "links.error.duplicate_of_duplicate": "*{other}* 本身是 *{original}* 的重复工单。"
        "请将 *{key}* 作为原工单的重复工单关闭：`/ticket duplicate {key} {original}`。",
        "links.error.reversed": "*{other}* 已作为 *{key}* 的重复工单关闭；如需反过来，请先重新打开 *{other}*。",
        "links.error.consult": "*{key}* 是咨询（向其他部门提出的问题）：只能回答或拒绝，不能作为重复工单关闭。"
        "可用 `/ticket link` 将其与其他工作关联。",
        "usage.link": "用法：`/ticket link KEY OTHER`，例如 `/ticket link SUP-12 ENG-3`：关联两张工单。",
        "usage.duplicate": "用法：`/ticket duplicate KEY OTHER`，例如 `/ticket duplicate SUP-14 SUP-12`：将 KEY 作为 "
        "OTHER 的重复工单关闭；OTHER 解决时会通知 KEY 的提出人。",
        "help.link": "`/ticket link KEY OTHER` 关联两张工单（两张卡片都会显示） · `/ticket duplicate KEY OTHER` 将 KEY "
        "作为 OTHER 的重复工单关闭（OTHER 解决时会通知其提出人）",
        "verb.link": "关联",
        "verb.duplicate": "作为重复工单关闭",
        "action.linked": "关联了工单",
        "action.duplicate": "标记为重复工单",
        "action.duplicate_added": "并入了一张重复工单",
        "action.duplicate_undone": "撤销了重复工单标记",
        "action.duplicate_reopened": "重新打开了它的一张重复工单",
    },
}
