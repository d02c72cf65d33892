"""Slack's text, both ways: the one module that knows how Slack escapes text and marks up people and links.

Three kinds of text meet in the bot:

* **Slack text** — what Slack sends as a message's or a slash command's ``text`` (the manifest sets
  ``should_escape``) and what ``mrkdwn`` takes: ``&``, ``<`` and ``>`` are escaped (``&amp;``, ``&lt;``,
  ``&gt;``), so every ``<…>`` is markup: ``<@U123>``, ``<#C123|general>``, ``<https://…|label>``, ``<!here>``.
* **Typed text** — what a person typed into one of our forms (a ``plain_text_input``): raw characters. Slack
  does not escape it, so ``<https://evil.example|Confirm>`` typed there would be a live masked link in mrkdwn.
* **Plain text** — what ``plain_text`` fields, form prefills, field errors and the export show: no markup, no
  escapes, people by name.

Everything the bot keeps and passes between its services is Slack text. Typed text becomes Slack text where
it enters (:func:`escape`, applied by ``handlers.payloads.form_values`` to every submitted text input), not
where it is rendered, because only at the door is it known which kind a string is: messages and slash
commands already arrive as Slack text, whose mentions must stay live, and once stored a typed ``<@U1>`` and a
real mention would be the same characters. Escaping at render time would double-escape message text, or need
every stored string to carry its kind. Plain text is made where it is shown (:func:`to_plain`), from names the
caller looked up (``bot.runtime.profiles``).

Slack's special mentions (``<!channel>``, ``<!here>``, ``<!everyone>``, user groups) notify everybody; a
bot that echoes them would broadcast on the user's behalf. We turn them into words written with a
full-width at sign (``＠here``), which reads the same and which no Slack parser turns back into a
broadcast — not even a plain ``@here`` a person typed into a form. Mentions of one person (``<@U…>``)
stay live: naming a colleague is something the person could do in the channel anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from config.ids import is_group_id

_SPECIAL = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>")
_PLAIN_SPECIAL = re.compile(r"(?<![\w@])@(channel|here|everyone)\b")
SAFE_AT = "\uff20"  # ＠: looks like @, notifies nobody
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_OTHER_COMMAND = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK_LABEL = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")
_MARKUP = re.compile(r"<([^<>]*)>")  # in Slack text every <…> is markup: a literal < arrives as &lt;
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_CUT_MARKUP = re.compile(r"(?:&[a-z]{0,3}|<[^>]*)$")


def escape(typed: str) -> str:
    """Typed text → Slack text: ``&``, ``<`` and ``>`` escaped as Slack escapes message text, so whatever a
    person typed into a form (a masked link, ``<@U…>``, ``<!here>``) is shown as the characters they typed."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def name_text(name: str) -> str:
    """A plain name (a customer's, as the workspace file, an import or a form gave it) as Slack text: escaped, and a
    broadcast written in it (``@channel``) notifies nobody."""
    return neutralise_broadcasts(escape(name))


def unescape(text: str) -> str:
    """Slack text's three escapes undone, in one pass (``&amp;lt;`` → ``&lt;``). Only these three: Slack
    escapes nothing else, and a general HTML unescape would turn ``&copy`` in a URL into ``©``."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def neutralise_broadcasts(text: str) -> str:
    """``<!here>`` and ``@here`` → ``＠here`` (text that notifies nobody); other text unchanged."""
    text = _SPECIAL.sub(lambda m: SAFE_AT + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: SAFE_AT + (m.group(1) or "group").lstrip("@"), text)
    text = _OTHER_COMMAND.sub(lambda m: m.group(2) or m.group(1), text)
    return _PLAIN_SPECIAL.sub(lambda m: SAFE_AT + m.group(1), text)


def without_links(text: str) -> str:
    """Slack text for a title or a name, still Slack text: a link becomes its label (so cutting the title can
    never break one), broadcasts notify nobody, ``<@U…|name>`` becomes ``<@U…>``; mentions stay live."""
    text = neutralise_broadcasts(text)
    text = _USER.sub(lambda m: f"<@{m.group(1)}>", text)
    text = _LINK_LABEL.sub(lambda m: m.group(2), text)
    return _BARE_LINK.sub(lambda m: m.group(1), text)


def mention(member: str) -> str:
    """A person (``<@U…>``) or, for a user group given as owners or lead, the group (``<!subteam^S…>``, which Slack
    shows as its @handle) as Slack text."""
    return f"<!subteam^{member}>" if is_group_id(member) else f"<@{member}>"


def mentioned_users(text: str) -> list[str]:
    """The people ``text`` mentions without giving their name (``<@U123>``): those :func:`to_plain` needs a
    name for. In order, once each."""
    return list(dict.fromkeys(m.group(1) for m in _USER.finditer(text) if not m.group(2)))


def _link(target: str, label: str) -> str:
    """A link in plain text: its label, and where it goes when the label does not say (nothing is clickable
    in plain text, so the address is the only way to see where ``Confirm resolution`` would have led)."""
    bare = target.removeprefix("mailto:")
    if not label or label == target:
        return bare
    if label.rstrip("/") in (target, bare, bare.removeprefix("https://").removeprefix("http://").rstrip("/")):
        return label
    return f"{label} ({target})"


def _readable(markup: str, names: Mapping[str, str]) -> str:
    """One ``<…>`` of Slack text (without the brackets) as a person reads it."""
    target, _, label = markup.partition("|")
    if target[:2] in ("@U", "@W"):
        return "@" + (names.get(target[1:]) or label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        command = target[1:].split("^", 1)[0]
        if command in ("here", "channel", "everyone"):
            return SAFE_AT + command
        if command == "subteam":
            return SAFE_AT + (label or "group").lstrip("@")
        return label or command  # <!date^…|fallback>
    return _link(target, label)


def to_plain(text: str, names: Mapping[str, str] | None = None, *, emphasis: bool = True) -> str:
    """Slack text → plain text: people as ``@name`` (from ``names`` by user id, else the name Slack sent,
    else the id), channels as ``#name``, links as their label and address, nothing that notifies anyone,
    and the escapes undone last (so an escaped ``&lt;@U1&gt;`` stays the characters ``<@U1>``).

    ``emphasis=False`` also drops mrkdwn's ``*bold*`` stars, for catalogue messages shown as plain text.
    """
    if "@" in text:
        text = _PLAIN_SPECIAL.sub(lambda m: SAFE_AT + m.group(1), text)
    if "<" in text:
        known = names or {}
        text = _MARKUP.sub(lambda m: _readable(m.group(1), known), text)
    if not emphasis:
        text = _EMPHASIS.sub(lambda m: m.group(1), text)
    return unescape(text) if "&" in text else text


def clip(text: str, limit: int) -> str:
    """Slack text cut to at most ``limit`` characters without leaving half an escape (``&am``) or half a
    markup (``<https://ex``) at the end, which Slack would show as stray characters."""
    if len(text) <= limit:
        return text
    return _CUT_MARKUP.sub("", text[:limit])


def message_link(workspace_url: str, channel: str, ts: str, thread_ts: str | None = None) -> str:
    """A message permalink in Slack's documented form, built without a ``chat.getPermalink`` round trip."""
    base = workspace_url if workspace_url.endswith("/") else workspace_url + "/"
    link = f"{base}archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link
