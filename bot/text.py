"""Making text a user typed safe to repeat in a bot message.

Slack's special mentions (``<!channel>``, ``<!here>``, ``<!everyone>``, user groups) notify everybody; a
bot that echoes them would broadcast on the user's behalf. We turn them into words written with a
full-width at sign (``＠here``), which reads the same and which no Slack parser turns back into a
broadcast — not even a plain ``@here`` a person typed into a form. Mentions of one person (``<@U…>``)
stay live: naming a colleague is something the person could do in the channel anyway.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")
_PLAIN_SPECIAL = re.compile(r"(?<![\w@])@(channel|here|everyone)\b")
SAFE_AT = "\uff20"  # ＠: looks like @, notifies nobody
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_OTHER_COMMAND = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_USER_LABEL = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK_LABEL = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")


def neutralise_broadcasts(text: str) -> str:
    """``<!here>`` and ``@here`` → ``＠here`` (text that notifies nobody); other text unchanged."""
    text = _SPECIAL.sub(lambda m: SAFE_AT + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: SAFE_AT + (m.group(1) or "group").lstrip("@"), text)
    text = _OTHER_COMMAND.sub(lambda m: m.group(2) or m.group(1), text)
    return _PLAIN_SPECIAL.sub(lambda m: SAFE_AT + m.group(1), text)


def to_plain(text: str) -> str:
    """Text for ``plain_text`` fields and titles: no markup, nothing that notifies anyone."""
    text = neutralise_broadcasts(text)
    text = _USER_LABEL.sub(lambda m: f"<@{m.group(1)}>", text)
    text = _LINK_LABEL.sub(lambda m: m.group(2), text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    return text


def message_link(workspace_url: str, channel: str, ts: str, thread_ts: str | None = None) -> str:
    """A message permalink in Slack's documented form, built without a ``chat.getPermalink`` round trip."""
    base = workspace_url if workspace_url.endswith("/") else workspace_url + "/"
    link = f"{base}archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link
