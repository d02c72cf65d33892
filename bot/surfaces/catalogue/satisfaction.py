"""Messages about satisfaction: the rating asked of a resolved ticket's requester (and of the account manager of a
customer's complaint), its answers, the alert a low rating raises, and the digest's satisfaction lines."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "rating.ask": ":star: How satisfied are you with how <@{actor}> handled *{key}*{title}? {link}",
        "rating.ask_manager": ":star: <@{actor}> has handled *{key}*{title}, a complaint from {customer}. As its "
        "account manager, how satisfied are you with how it was handled? {link}",
        "rating.title": " ({title})",
        "rating.scale": "1 = very unhappy · 5 = very happy. Asked once; a comment is optional.",
        "rating.button.score": "{score}",
        "rating.button.comment": "Add a comment",
        "rating.thanks": "You rated {score}/5 — thank you",
        "rating.thanks_commented": "You rated {score}/5 — thank you. Your comment is saved too.",
        "rating.comment_saved": "Your comment is saved — thank you. Choose a score above whenever you like.",
        "rating.alert": ":warning: <@{rater}> rated *{key}*{title} {score}/5{comment}. <@{owner}> owns it; if the "
        "problem is still there, reopen it. {link}",
        "rating.alert.comment": " — “{comment}”",
        "rating.alert.ask_to_reopen": ":warning: <@{rater}> rated *{key}*{title} {score}/5{comment}. <@{owner}> owns "
        "it; if the problem is still there, ask them or the department lead to reopen it. {link}",
        "rating.error.score": "A rating is a whole number from 1 to 5, and “{value}” is not one, so nothing was "
        "recorded.",
        "rating.error.not_asked": "You were not asked to rate *{key}*, so nothing was recorded.",
        "rating.error.not_yours": "This question about *{key}* was sent to <@{asked}>, not to you, so nothing was "
        "recorded.",
        "rating.error.already": "You already rated *{key}* {score}/5 ({at}). A rating is given once, so nothing was "
        "changed.",
        "rating.error.comment_already": "You already added a comment to your rating of *{key}*, so nothing was "
        "changed.",
        "rating.error.comment_required": "Write your comment first, or close this form.",
        "form.rating_comment_title": "Add a comment",
        "form.rating_comment_intro": "What should the team know about how *{key}* was handled? Only the people who "
        "work on it read this.",
        "form.rating_comment_label": "Your comment",
        "form.rating_comment": "Save",
        "rating.command.rated": "Thank you: you rated *{key}* {score}/5.",
        "rating.command.rated_commented": "Thank you: you rated *{key}* {score}/5, and your comment is saved.",
        "usage.rate": "Usage: `/ticket rate KEY <1-5> [comment]`, e.g. `/ticket rate SUP-12 4 quick and kind`.",
        "help.rate": "`/ticket rate KEY <1-5> [comment]` rate a resolved ticket you were asked about (once)",
        "action.rated": "rated it",
        "action.rating_commented": "commented on their rating",
        "digest.satisfaction": "Satisfaction",
        "digest.satisfaction.value": "{average}/5 · {count} answered",
        "digest.satisfaction.none": "no answers",
        "digest.satisfaction.header": "*Satisfaction by lifecycle stage* (ratings answered in the last {days} days, "
        "{count} in all)",
    },
    "zh": {
        "rating.ask": ":star: 你对 <@{actor}> 处理 *{key}*{title} 的结果满意吗？{link}",
        "rating.ask_manager": ":star: <@{actor}> 已处理客户 {customer} 的投诉 *{key}*{title}。作为客户经理，"
        "你对处理结果满意吗？{link}",
        "rating.title": "（{title}）",
        "rating.scale": "1 = 非常不满意 · 5 = 非常满意。只问一次；评论可选。",
        "rating.button.score": "{score} 分",
        "rating.button.comment": "添加评论",
        "rating.thanks": "你的评分是 {score}/5 —— 谢谢",
        "rating.thanks_commented": "你的评分是 {score}/5 —— 谢谢。你的评论也已保存。",
        "rating.comment_saved": "你的评论已保存，谢谢。随时可以在上方选择评分。",
        "rating.alert": ":warning: <@{rater}> 给 *{key}*{title} 打了 {score}/5{comment}。负责人是 <@{owner}>；"
        "如果问题仍在，请重新打开。{link}",
        "rating.alert.comment": " ——“{comment}”",
        "rating.alert.ask_to_reopen": ":warning: <@{rater}> 给 *{key}*{title} 打了 {score}/5{comment}。负责人是 "
        "<@{owner}>；如果问题仍在，请让 <@{owner}> 或部门负责人重新打开它。{link}",
        "rating.error.score": "评分必须是 1 到 5 的整数，“{value}”不是，因此未做任何记录。",
        "rating.error.not_asked": "没有请你为 *{key}* 评分，因此未做任何记录。",
        "rating.error.not_yours": "关于 *{key}* 的这条评分请求是发给 <@{asked}> 的，不是发给你的，因此未做任何记录。",
        "rating.error.already": "你已给 *{key}* 打了 {score}/5（{at}）。评分只能给一次，因此未做任何更改。",
        "rating.error.comment_already": "你已为 *{key}* 的评分添加过评论，因此未做任何更改。",
        "rating.error.comment_required": "请先填写评论，或关闭此表单。",
        "form.rating_comment_title": "添加评论",
        "form.rating_comment_intro": "关于 *{key}* 的处理，你想让团队知道什么？只有处理此工单的人会看到。",
        "form.rating_comment_label": "你的评论",
        "form.rating_comment": "保存",
        "rating.command.rated": "谢谢：你给 *{key}* 打了 {score}/5。",
        "rating.command.rated_commented": "谢谢：你给 *{key}* 打了 {score}/5，评论也已保存。",
        "usage.rate": "用法：`/ticket rate KEY <1-5> [评论]`，例如 `/ticket rate SUP-12 4 又快又好`。",
        "help.rate": "`/ticket rate KEY <1-5> [评论]` 为请你评分的已解决工单打分（只能一次）",
        "action.rated": "评了分",
        "action.rating_commented": "为评分添加了评论",
        "digest.satisfaction": "满意度",
        "digest.satisfaction.value": "{average}/5 · {count} 条评分",
        "digest.satisfaction.none": "暂无评分",
        "digest.satisfaction.header": "*按客户生命周期阶段的满意度*（最近 {days} 天内的评分，共 {count} 条）",
    },
}
