// The sandbox page: draws the workspace state from /sandbox/state, sends what you do to /sandbox/*, and redraws
// whenever the server says something changed (server-sent events on /sandbox/events).
"use strict";

const { h, mrkdwn, blocks, formAnswers, emojify, EMOJI } = window.BlockKit;
const COLORS = ["#e8912d", "#2bac76", "#1d9bd1", "#e01e5a", "#9c27b0", "#3f51b5", "#795548", "#607d8b", "#ecb22e"];
const PICKER = ["ticket", "rotating_light", "eyes", "+1", "white_check_mark", "tada"];

const ui = {
  as: localStorage.getItem("crossdesk.as") || "",
  channel: localStorage.getItem("crossdesk.channel") || "",
  tab: "messages",  // for the app: "home" or "messages"
  thread: null,
  state: null,
  modalKey: null,
  homeKey: null,
  inDm: false,  // the app's Messages tab is on screen (its messages count as read)
  newSince: null,  // the last ts read before this visit to the app's messages: the "New" line goes after it
  teamsOpen: false,  // the panel of user groups and statuses is open
};

// What each person has read of their DM with the app, kept in this browser as Slack keeps it per account.
const readKey = (person) => `crossdesk.read.${person}`;

// -- talking to the sandbox ------------------------------------------------------------------------------

async function post(path, body) {
  const response = await fetch(`/sandbox/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: ui.as, ...body }),
  });
  let answer = {};
  try { answer = await response.json(); } catch (_) { /* an empty answer */ }
  if (!response.ok || answer.ok === false) toast(answer.error || `failed (${response.status})`, true);
  return answer;
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 60);
}

// Each refresh is numbered; only the latest one's answer is drawn. Answers can arrive out of order (switch from Bob
// to Alice quickly and Bob's may come last), and drawing a late one would put the page back in Bob's hands.
let refreshes = 0;
let staleAnswers = 0;

async function refresh() {
  const number = ++refreshes;
  const read = localStorage.getItem(readKey(ui.as)) || "";
  const query = new URLSearchParams({ as: ui.as, channel: ui.channel, thread: ui.thread || "", read });
  const response = await fetch(`/sandbox/state?${query}`);
  const state = response.ok ? await response.json() : null;
  if (number !== refreshes) {
    document.body.dataset.staleAnswers = String(++staleAnswers);  // the browser tests wait on this count
    return;
  }
  if (!state) return;
  ui.state = state;
  ui.as = state.me;
  if (!state.channel || (ui.channel && ui.channel !== state.channel.id)) {
    ui.channel = state.channel ? state.channel.id : (state.channels.find((c) => c.intake) || state.channels[0]).id;
    if (!state.channel) return refresh();
  }
  if (ui.thread && !state.thread) ui.thread = null;
  localStorage.setItem("crossdesk.as", ui.as);
  localStorage.setItem("crossdesk.channel", ui.channel);
  render(state);
}

function listen() {
  const source = new EventSource("/sandbox/events");
  source.addEventListener("change", refreshSoon);
  source.addEventListener("open", refreshSoon);
}

function toast(text, isError) {
  const node = h("div", { className: `toast${isError ? " error" : ""}`, role: "status" }, text);
  document.getElementById("toasts").append(node);
  setTimeout(() => node.remove(), isError ? 6000 : 3000);
}

// -- drawing ----------------------------------------------------------------------------------------------

function context(state, extra) {
  const channelNames = Object.fromEntries(state.channels.map((c) => [c.id, c.name]));
  const groupHandles = Object.fromEntries((state.groups || []).map((g) => [g.id, g.handle]));
  return { names: state.names, channelNames, groupHandles, tz: state.clock.tz, people: state.people, ...extra };
}

function avatar(userId, state) {
  const name = state.names[userId] || userId || "?";
  if (userId === state.bot.id) return h("div", { className: "avatar bot" }, "✦");
  let hash = 0;
  for (const c of userId || "") hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const initials = name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  return h("div", { className: "avatar", style: `background:${COLORS[hash % COLORS.length]}` }, initials);
}

function dayOf(ts, tz) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(Number(ts) * 1000));
}

function dayLabel(day, state) {
  // "Today" and "Yesterday" by the bot's clock (the clock control moves it), as Slack labels days.
  const today = dayOf(Date.parse(state.clock.now) / 1000, state.clock.tz);
  const noon = (d) => new Date(`${d}T12:00:00Z`);
  const daysAgo = Math.round((noon(today) - noon(day)) / 86400000);
  if (daysAgo === 0) return "Today";
  if (daysAgo === 1) return "Yesterday";
  const options = { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" };
  if (day.slice(0, 4) !== today.slice(0, 4)) options.year = "numeric";
  return new Intl.DateTimeFormat("en-GB", options).format(noon(day));
}

// Messages with a day separator wherever the day changes (after ``previous``, the message shown just before).
function withDays(messages, state, draw, previous = null) {
  const nodes = [];
  let last = previous ? dayOf(previous.ts, state.clock.tz) : null;
  for (const message of messages) {
    const day = dayOf(message.ts, state.clock.tz);
    if (day !== last) {
      nodes.push(h("div", { className: "day-divider", role: "separator", "data-day": day },
        h("span", {}, dayLabel(day, state))));
      last = day;
    }
    nodes.push(draw(message));
  }
  return nodes;
}

function timeOf(ts, tz) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hour12: false })
    .format(new Date(Number(ts) * 1000));
}

function messageNode(message, state, { inThread = false } = {}) {
  const ctx = context(state, {
    onAction: (element, blockId, choice, node) => clickInMessage(message, element, blockId, choice, node),
  });
  const isBot = message.is_bot;
  const body = h("div", { className: "body" },
    h("div", { className: "meta" },
      h("span", { className: "name" }, state.names[message.user] || message.user || "someone"),
      isBot ? h("span", { className: "app" }, "APP") : null,
      h("span", { className: "time" }, timeOf(message.ts, state.clock.tz)),
      message.ephemeral ? h("span", { className: "only-you" }, "Only visible to you") : null),
    message.blocks && message.blocks.some((b) => b.type !== "rich_text")
      ? blocks(message.blocks, ctx)
      : h("div", { className: "text", html: mrkdwn(message.text, ctx) }),
    (message.attachments || []).map((a) => h("div", { className: "attachment text", html: mrkdwn(a.text || a.fallback || "", ctx) })),
    (message.files || []).map((f) => /\.(png|jpe?g|gif)$/i.test(f.name || "")
      ? h("div", { className: "file" }, h("div", {}, f.title || f.name), h("img", { className: "bk-image", src: `/sandbox/files/${f.id}`, alt: f.title || f.name }))
      : h("div", { className: "file" }, "📎 ", f.title || f.name)),
    message.edited && !isBot ? h("span", { className: "edited" }, "(edited)") : null,
    reactionsRow(message),
    !inThread && message.reply_count
      ? h("button", { className: "replies-link", onclick: () => openThread(message.ts) },
        `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`)
      : null);
  const node = h("div", {
    className: `message${message.ephemeral ? " ephemeral" : ""}`, "data-ts": message.ts,
    "data-user": message.user || "", "data-bot": isBot ? "true" : "false",
  }, avatar(message.user, state), body);
  if (!message.ephemeral) node.append(hoverActions(message, node, inThread));
  return node;
}

function reactionsRow(message) {
  if (!message.reactions.length) return null;
  return h("div", { className: "reactions" }, message.reactions.map((r) =>
    h("button", {
      className: `reaction${r.mine ? " mine" : ""}`, title: `:${r.name}:`, "data-reaction": r.name,
      onclick: () => post("reaction", { channel: message.channel, ts: message.ts, name: r.name }),
    }, `${EMOJI[r.name] || `:${r.name}:`} ${r.count}`)));
}

function hoverActions(message, node, inThread) {
  const picker = () => {
    node.querySelectorAll(".picker").forEach((p) => p.remove());
    const names = [...new Set([ui.state.reactions.ticket, ui.state.reactions.escalate, ...PICKER])];
    const close = h("div", { className: "picker" }, names.map((name) =>
      h("button", {
        title: `:${name}:`, "data-emoji": name,
        onclick: () => { close.remove(); post("reaction", { channel: message.channel, ts: message.ts, name }); },
      }, EMOJI[name] || `:${name}:`)));
    node.append(close);
    setTimeout(() => document.addEventListener("click", () => close.remove(), { once: true }), 0);
  };
  return h("div", { className: "hover-actions" },
    h("button", { title: "Add reaction", className: "react", onclick: picker }, "☺ React"),
    inThread ? null : h("button", { title: "Reply in thread", className: "reply", onclick: () => openThread(message.ts) }, "💬 Reply"),
    h("button", {
      title: "Create ticket (message shortcut)", className: "shortcut",
      onclick: () => post("shortcut", { channel: message.channel, ts: message.ts }),
    }, "⚡ Create ticket"));
}

async function clickInMessage(message, element, blockId, choice, node) {
  if (node && node.tagName === "BUTTON") node.disabled = true;
  await post("click", { channel: message.channel, ts: message.ts, block_id: blockId, action_id: element.action_id, choice });
  if (node && node.tagName === "BUTTON") node.disabled = false;
}

function renderTopbar(state) {
  const select = document.getElementById("as");
  const wanted = state.people.map((p) => p.id).join(",");
  if (select.dataset.people !== wanted) {
    select.replaceChildren(...state.people.map((p) =>
      h("option", { value: p.id }, `${p.name} — ${p.role}${p.department ? ` · ${p.department}` : ""}`)));
    select.dataset.people = wanted;
  }
  select.value = state.me;
  document.getElementById("now").textContent = `${state.clock.local} (${state.clock.tz})`;
  document.getElementById("now").title = state.clock.offset_seconds
    ? `the bot's clock is ${Math.round(state.clock.offset_seconds / 60)} min ahead of real time` : "real time";
  const note = document.getElementById("clock-note");
  note.textContent = state.clock.note || "";
  note.hidden = !state.clock.note;
}

function renderSidebar(state) {
  const me = state.people.find((p) => p.id === state.me);
  const link = (label, active, onclick, tag, id, unread = 0) =>
    h("a", { href: "#", className: `${active ? "active" : ""}${unread ? " unread" : ""}`, "data-channel": id, onclick: (e) => { e.preventDefault(); onclick(); } }, label,
      tag ? h("span", { className: "tag" }, tag) : null,
      unread ? h("span", { className: "badge", title: `${unread} unread` }, String(unread)) : null);
  const onApp = ui.channel === state.dm;
  document.getElementById("sidebar").replaceChildren(
    h("div", { className: "me" }, me ? me.name : state.me, h("div", { className: "role" }, me ? `${me.role}${me.department ? ` · ${me.department}` : ""}` : "")),
    h("h3", {}, "Channels"),
    ...state.channels.map((c) => link(`# ${c.name}`, ui.channel === c.id, () => go(c.id), c.intake ? "intake" : null, c.id)),
    h("h3", {}, "Apps"),
    link(`✦ ${state.bot.name}`, onApp, () => go(state.dm, "home"), null, state.dm, unreadInDm(state)));
  document.querySelector(`#sidebar a[data-channel="${CSS.escape(state.dm)}"]`).classList.add("app");
}

function renderMain(state) {
  const channel = state.channel;
  const isApp = channel.is_im;
  const header = document.getElementById("conversation-header");
  header.replaceChildren(h("h2", {}, isApp ? `✦ ${state.bot.name}` : `# ${channel.name}`),
    h("span", { className: "hint" }, isApp ? "your DM with the app" : channel.intake ? "every top-level message here becomes a ticket" : ""),
    isApp ? h("div", { className: "tabs" },
      h("button", { className: ui.tab === "home" ? "active" : "", id: "tab-home", onclick: () => go(state.dm, "home") }, "Home"),
      h("button", { className: ui.tab === "messages" ? "active" : "", id: "tab-messages", onclick: () => go(state.dm, "messages") }, "Messages",
        unreadInDm(state) ? h("span", { className: "badge" }, String(unreadInDm(state))) : null))
      : h("span"));
  const showHome = isApp && ui.tab === "home";
  document.getElementById("home").hidden = !showHome;
  document.getElementById("channel-pane").hidden = showHome;
  if (showHome) return renderHome(state);
  const list = document.getElementById("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const nodes = withDays(state.messages, state, (m) => messageNode(m, state));
  if (isApp && ui.newSince !== null) {
    const first = state.messages.find((m) => m.is_bot && !m.ephemeral && Number(m.ts) > Number(ui.newSince || 0));
    const at = first ? nodes.findIndex((n) => n.dataset && n.dataset.ts === first.ts) : -1;
    if (at >= 0) nodes.splice(at, 0, h("div", { className: "new-divider", role: "separator" }, h("span", {}, "New")));
  }
  list.replaceChildren(...(nodes.length
    ? nodes
    : [h("div", { className: "empty" }, isApp ? "Nothing from the app yet." : "No messages yet. Say something!")]));
  if (nearBottom || list.dataset.channel !== channel.id) list.scrollTop = list.scrollHeight;
  list.dataset.channel = channel.id;
  document.getElementById("composer-input").placeholder = isApp
    ? `Message ${state.bot.name}: answer a ticket waiting on you, or type /ticket, /standup, /digest`
    : `Message #${channel.name}`;
}

function renderHome(state) {
  const home = document.getElementById("home");
  const key = state.home ? `${state.home.id}:${state.home.hash}` : "none";
  if (ui.homeKey === key) return;
  ui.homeKey = key;
  if (!state.home) {
    home.replaceChildren(h("div", { className: "empty" }, "Opening App Home…"));
    return;
  }
  const ctx = context(state, {
    onAction: (element, blockId, choice) => post("click", { view_id: state.home.id, block_id: blockId, action_id: element.action_id, choice }),
  });
  home.replaceChildren(blocks(state.home.blocks, ctx));
}

function renderThread(state) {
  const pane = document.getElementById("thread");
  if (!state.thread || (state.channel.is_im && ui.tab === "home")) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  const [root, ...replies] = state.thread.messages;
  const list = document.getElementById("thread-messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(
    messageNode(root, state, { inThread: true }),
    h("div", { className: "divider-count" }, `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
    ...withDays(replies, state, (m) => messageNode(m, state, { inThread: true }), root));
  if (nearBottom || list.dataset.thread !== state.thread.ts) list.scrollTop = list.scrollHeight;
  list.dataset.thread = state.thread.ts;
}

function renderModal(state) {
  const backdrop = document.getElementById("modal-backdrop");
  const modal = state.modal;
  if (!modal) {
    backdrop.hidden = true;
    backdrop.replaceChildren();
    ui.modalKey = null;
    return;
  }
  backdrop.hidden = false;
  const view = modal.view;
  const key = `${view.id}:${view.hash}`;
  if (ui.modalKey === key) {
    // Same form: keep what was typed, only show the errors.
    for (const node of backdrop.querySelectorAll(".input-block")) {
      const error = modal.errors[node.dataset.blockId];
      node.classList.toggle("has-error", Boolean(error));
      node.querySelectorAll(".error").forEach((e) => e.remove());
      if (error) node.append(h("div", { className: "error" }, error));
    }
    return;
  }
  // views.update of the same form keeps what the person typed, as Slack does for inputs that stay.
  const typed = ui.modalKey && ui.modalKey.startsWith(`${view.id}:`) ? typedValues(backdrop) : {};
  ui.modalKey = key;
  const ctx = context(state, {
    errors: modal.errors,
    onAction: (element, blockId, choice) => post("click", {
      view_id: view.id, block_id: blockId, action_id: element.action_id, choice,
      answers: formAnswers(backdrop.querySelector(".modal")),
    }),
    loadOptions: async (blockId, value) => (await post("options", { view_id: view.id, block_id: blockId, value })).options || [],
  });
  const close = () => post("close", { view_id: view.id });
  const submit = () => post("submit", { view_id: view.id, answers: formAnswers(backdrop.querySelector(".modal")) });
  backdrop.replaceChildren(h("div", { className: "modal", role: "dialog", "data-view-id": view.id, "data-callback-id": view.callback_id },
    h("header", {}, h("h2", {}, BlockKit.plain(view.title)), h("button", { className: "close", title: "Close", onclick: close }, "×")),
    h("div", { className: "content" }, blocks(view.blocks, ctx)),
    h("footer", {},
      h("button", { className: "bk-button", onclick: close }, view.close ? BlockKit.plain(view.close) : "Cancel"),
      view.submit ? h("button", { className: "bk-button primary", id: "modal-submit", onclick: submit }, BlockKit.plain(view.submit)) : null)));
  for (const [name, value] of Object.entries(typed)) {
    const control = backdrop.querySelector(`.input-block input[type=text][name="${CSS.escape(name)}"], .input-block textarea[name="${CSS.escape(name)}"]`);
    if (control && !control.value) control.value = value;
  }
}

function typedValues(root) {
  const values = {};
  for (const control of root.querySelectorAll(".input-block input[type=text], .input-block textarea")) {
    if (control.value) values[control.name] = control.value;
  }
  return values;
}

// The app's messages the person has not seen: none while its Messages tab is on screen.
function unreadInDm(state) {
  return ui.inDm ? 0 : state.dm_unread || 0;
}

function markDmRead(state) {
  const inDm = Boolean(state.channel && state.channel.is_im && ui.tab === "messages");
  const key = readKey(state.me);
  if (inDm && !ui.inDm) ui.newSince = localStorage.getItem(key) || "";
  if (!inDm) ui.newSince = null;
  ui.inDm = inDm;
  const last = inDm ? state.messages.filter((m) => !m.ephemeral).map((m) => m.ts).pop() : null;
  if (last && Number(last) > Number(localStorage.getItem(key) || 0)) localStorage.setItem(key, last);
}

// -- user groups and statuses: changed as in Slack itself, and told to the bot as Slack's events ------------

const STATUS_MINUTES = { no_end: 0, hour: 60, day: 1440 };

function renderTeams(state) {
  const panel = document.getElementById("teams-panel");
  const labels = state.labels || {};
  const label = (name, fallback) => labels[name] || fallback;
  document.getElementById("teams-open-label").textContent = label("open", "Groups & status");
  document.getElementById("teams-open").classList.toggle("open", ui.teamsOpen);
  panel.hidden = !ui.teamsOpen;
  const key = JSON.stringify([ui.teamsOpen, state.me, state.groups, state.statuses, labels]);
  if (!ui.teamsOpen || panel.dataset.key === key) return;
  panel.dataset.key = key;
  const me = state.people.find((p) => p.id === state.me);
  const mine = (state.statuses || {})[state.me];
  const emoji = h("select", { id: "status-emoji" },
    h("option", { value: "" }, label("no_emoji", "No emoji")),
    ...(state.status_emoji || []).map((e) => h("option", { value: e }, `${emojify(e)} ${e}`)));
  const text = h("input", { type: "text", id: "status-text", placeholder: label("text", "Status text"), maxLength: 100 });
  const until = h("select", { id: "status-until" },
    ...Object.keys(STATUS_MINUTES).map((name) => h("option", { value: name }, label(name, name))));
  if (mine) { emoji.value = mine.emoji; text.value = mine.text; }
  const setStatus = (clear) => post("status", clear ? {} : {
    emoji: emoji.value, text: text.value, minutes: STATUS_MINUTES[until.value],
  });
  const groups = (state.groups || []).map((group) => {
    const boxes = state.people.map((p) => h("label", {},
      h("input", { type: "checkbox", value: p.id, checked: group.members.includes(p.id) }), p.name));
    const save = () => post("group", {
      group: group.id,
      members: boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
    });
    return h("div", { className: "group", "data-group": group.id },
      h("div", {}, h("span", { className: "name" }, `@${group.handle}`), " ", group.name,
        h("span", { className: "count" }, `${group.members.length} ${label("members", "members")}`)),
      h("div", { className: "members" }, boxes),
      h("button", { className: "bk-button primary", onclick: save }, label("save", "Save members")));
  });
  panel.replaceChildren(
    h("header", {}, h("h2", { id: "teams-title" }, label("title", "User groups and statuses")),
      h("button", { className: "close", title: label("close", "Close"), onclick: () => { ui.teamsOpen = false; render(ui.state); } }, "×")),
    h("p", { className: "hint" }, label("hint", "")),
    h("h3", {}, `${label("status", "Your status")} — ${me ? me.name : state.me}`),
    mine ? h("p", { className: "current", id: "status-current" }, `${emojify(mine.emoji)} ${mine.text}`) : null,
    h("div", { className: "row" }, emoji, text),
    h("div", { className: "row", style: "margin-top:6px" }, until,
      h("button", { className: "bk-button primary", id: "status-set", onclick: () => setStatus(false) }, label("set", "Set status")),
      h("button", { className: "bk-button", id: "status-clear", onclick: () => setStatus(true) }, label("clear", "Clear"))),
    h("h3", {}, label("groups", "User groups")),
    ...(groups.length ? groups : [h("p", { className: "hint" }, label("none", ""))]));
}

function render(state) {
  markDmRead(state);
  renderTopbar(state);
  renderTeams(state);
  renderSidebar(state);
  renderMain(state);
  renderThread(state);
  renderModal(state);
}

// -- navigation and the composers -----------------------------------------------------------------------

function go(channel, tab) {
  ui.channel = channel;
  ui.thread = null;
  ui.tab = tab || "messages";
  if (ui.tab === "home") {
    ui.homeKey = null;
    post("home", {});
  }
  refresh();
}

function openThread(ts) {
  ui.thread = ts;
  refresh();
}

async function send(input, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  await post("message", { channel: ui.channel, text, thread_ts: threadTs || null });
}

function wireComposer(inputId, buttonId, threadOf) {
  const input = document.getElementById(inputId);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send(input, threadOf());
    }
  });
  document.getElementById(buttonId).addEventListener("click", () => send(input, threadOf()));
}

function wireClock() {
  for (const node of document.querySelectorAll("#clock [data-minutes]")) {
    node.addEventListener("click", () => post("clock", { minutes: Number(node.dataset.minutes) }));
  }
  for (const node of document.querySelectorAll("#clock [data-jump]")) {
    node.addEventListener("click", () => post("clock", { to: node.dataset.jump }));
  }
  const custom = document.getElementById("jump-to");
  custom.addEventListener("keydown", (event) => {
    if (event.key === "Enter") post("clock", { to: custom.value });
  });
}

// A picture in a message (the digest's chart) opens at full size over the page; a click or Escape closes it.
function openImage(image) {
  const close = () => { box.remove(); document.removeEventListener("keydown", onKey); };
  const onKey = (event) => { if (event.key === "Escape") close(); };
  const box = h("div", { id: "lightbox", role: "dialog", "aria-label": image.alt || "image", onclick: close },
    h("button", { className: "close", title: "Close (Esc)" }, "×"),
    h("img", { src: image.src, alt: image.alt || "" }));
  document.addEventListener("keydown", onKey);
  document.body.append(box);
}

document.addEventListener("click", (event) => {
  const image = event.target.closest && event.target.closest("img.bk-image");
  if (image && !image.closest("#lightbox")) openImage(image);
});

document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.permalink");
  if (!link) return;
  event.preventDefault();
  ui.channel = link.dataset.channel;
  ui.tab = "messages";
  ui.thread = link.dataset.thread;
  refresh();
});

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("as").addEventListener("change", (event) => {
    ui.as = event.target.value;
    ui.homeKey = null;
    ui.modalKey = null;
    if (ui.state && ui.channel === ui.state.dm) ui.channel = "";  // each person has their own DM with the app
    refresh();
  });
  document.getElementById("thread-close").addEventListener("click", () => { ui.thread = null; refresh(); });
  document.getElementById("teams-open").addEventListener("click", () => { ui.teamsOpen = !ui.teamsOpen; render(ui.state); });
  wireComposer("composer-input", "composer-send", () => null);
  wireComposer("thread-input", "thread-send", () => ui.thread);
  wireClock();
  refresh();
  listen();
});
