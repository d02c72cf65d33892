// Block Kit and mrkdwn rendering for the sandbox page: enough of Slack's look to read every message the bot sends.
(() => {
"use strict";

const EMOJI = {
  ticket: "🎫", rotating_light: "🚨", white_check_mark: "✅", heavy_check_mark: "✔️", warning: "⚠️", "+1": "👍",
  thumbsup: "👍", eyes: "👀", x: "❌", hourglass: "⌛", hourglass_flowing_sand: "⏳", bell: "🔔", memo: "📝",
  calendar: "📅", bar_chart: "📊", arrow_right: "➡️", arrow_forward: "▶️", fire: "🔥", tada: "🎉", inbox_tray: "📥",
  pushpin: "📌", speech_balloon: "💬", busts_in_silhouette: "👥", chart_with_upwards_trend: "📈", question: "❓",
  exclamation: "❗", no_entry: "⛔", no_entry_sign: "🚫", construction: "🚧", wave: "👋", alarm_clock: "⏰",
  stopwatch: "⏱️", clipboard: "📋", lock: "🔒", repeat: "🔁", mag: "🔍", red_circle: "🔴", large_green_circle: "🟢",
  large_yellow_circle: "🟡", ping_pong: "🏓", zzz: "💤", sunrise: "🌅", leftwards_arrow_with_hook: "↩️",
  handshake: "🤝", earth_africa: "🌍", earth_asia: "🌏", raised_hands: "🙌", heart: "❤️", smile: "😄", pray: "🙏",
  rocket: "🚀", sos: "🆘", arrows_counterclockwise: "🔄", bulb: "💡", point_right: "👉", star: "⭐",
  palm_tree: "🌴", face_with_thermometer: "🤒", airplane: "✈️", coffee: "☕", spiral_calendar_pad: "🗓️",
  bust_in_silhouette: "👤", link: "🔗", gear: "⚙️", bow: "🙇",
};

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "className") node.className = value;
    else if (name === "html") node.innerHTML = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function formatDate(seconds, format, tz) {
  const when = new Date(seconds * 1000);
  const part = (options) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, ...options }).format(when);
  return format
    .replace(/\{date_short_pretty\}|\{date_short\}/g, part({ weekday: "short", day: "numeric", month: "short" }))
    .replace(/\{date_long_pretty\}|\{date_long\}|\{date_pretty\}|\{date\}/g,
      part({ weekday: "long", day: "numeric", month: "long", year: "numeric" }))
    .replace(/\{date_num\}/g, part({ year: "numeric", month: "2-digit", day: "2-digit" }))
    .replace(/\{time_secs\}/g, part({ hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }))
    .replace(/\{time\}/g, part({ hour: "2-digit", minute: "2-digit", hour12: false }));
}

// One <…> token of Slack's message syntax, as HTML.
function slackToken(inner, ctx) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(ctx.names[id] || label || id)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(ctx.channelNames[id] || label || id)}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds, format] = target.split("^");
    return escapeHtml(formatDate(Number(seconds), format || "{date_short_pretty} {time}", ctx.tz));
  }
  if (target.startsWith("!subteam^")) {  // Slack shows a user group by its handle
    const handle = (ctx.groupHandles || {})[target.slice("!subteam^".length)];
    return `<span class="mention">@${escapeHtml(handle || (label || "group").replace(/^@/, ""))}</span>`;
  }
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const permalink = target.match(/^https:\/\/[^/]+\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d+)(\d{6})(?:\?thread_ts=([\d.]+))?/);
  if (permalink) {  // a link to a message in this workspace opens it here, never on slack.com
    const [, channel, seconds, micros, threadTs] = permalink;
    const thread = threadTs || `${seconds}.${micros}`;
    return `<a href="#" class="permalink" data-channel="${escapeHtml(channel)}" data-thread="${escapeHtml(thread)}">${escapeHtml(label || "message")}</a>`;
  }
  if (!/^(https?:|mailto:)/i.test(target)) return escapeHtml(label || target);  // never a javascript: link
  const href = escapeHtml(target);
  return `<a href="${href}" target="_blank" rel="noopener">${escapeHtml(label || target)}</a>`;
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// Slack's mrkdwn to HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <links|and> <@mentions>, :emoji:.
function mrkdwn(text, ctx) {
  const tokens = [];
  const stash = (html) => `\u0000${tokens.push(html) - 1}\u0000`;
  let source = String(text || "");
  source = source.replace(/```([\s\S]*?)```/g, (_, code) => stash(`<pre>${escapeHtml(unescapeSlack(code))}</pre>`));
  source = source.replace(/`([^`\n]+)`/g, (_, code) => stash(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  source = source.replace(/<([^<>\n]+)>/g, (_, inner) => stash(slackToken(unescapeSlack(inner), ctx)));
  let html = escapeHtml(unescapeSlack(source));
  html = html.replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/gm, "$1<b>$2</b>");
  html = html.replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/gm, "$1<i>$2</i>");
  html = html.replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?]|$)/gm, "$1<s>$2</s>");
  html = html.replace(/^&gt; ?(.*)$/gm, "<blockquote>$1</blockquote>");
  html = emojify(html).replace(/\n/g, "<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  return html.replace(/\u0000(\d+)\u0000/g, (_, index) => tokens[Number(index)]);
}

function textObject(object, ctx) {
  if (!object) return h("span");
  if (object.type === "plain_text") return h("span", { html: emojify(escapeHtml(object.text || "")) });
  return h("span", { html: mrkdwn(object.text, ctx) });
}

function plain(object) {
  return object ? emojify(String(object.text || "")) : "";
}

function optionLabel(option) {
  return option ? plain(option.text) : "";
}

// -- interactive elements --------------------------------------------------------------------------------

function button(element, blockId, ctx) {
  const style = element.style ? ` ${element.style}` : "";
  return h("button", {
    className: `bk-button${style}`,
    "data-action-id": element.action_id,
    "data-value": element.value,
    onclick: (event) => ctx.onAction(element, blockId, element.value, event.currentTarget),
  }, plain(element.text));
}

function staticSelect(element, blockId, ctx, { inForm = false } = {}) {
  const options = element.option_groups ? element.option_groups.flatMap((g) => g.options) : element.options || [];
  const initial = element.initial_option ? element.initial_option.value : "";
  const select = h("select", { className: "bk-select", "data-action-id": element.action_id, name: blockId },
    h("option", { value: "", disabled: true, selected: !initial }, plain(element.placeholder) || "Select an option"),
    options.map((o) => h("option", { value: o.value, selected: o.value === initial }, optionLabel(o))));
  if (!inForm || ctx.dispatch) {
    select.addEventListener("change", () => ctx.onAction(element, blockId, select.value, select));
  }
  return select;
}

function usersSelect(element, blockId, ctx, { inForm = false } = {}) {
  const initial = element.initial_user || "";
  const select = h("select", { className: "bk-select", "data-action-id": element.action_id, name: blockId },
    h("option", { value: "", disabled: true, selected: !initial }, plain(element.placeholder) || "Select a person"),
    ctx.people.map((p) => h("option", { value: p.id, selected: p.id === initial }, p.name)));
  if (!inForm || ctx.dispatch) {
    select.addEventListener("change", () => ctx.onAction(element, blockId, select.value, select));
  }
  return select;
}

// Selects of people and channels inside forms: one (users_select's twin for channels) or several (a multi-select,
// as Slack's multi_users_select and multi_channels_select); what is chosen first is what the app put in initial_*.
function idSelect(element, blockId, choices, { multiple = false } = {}) {
  const chosen = new Set(multiple ? (element.initial_users || element.initial_channels || [])
    : [element.initial_user || element.initial_channel].filter(Boolean));
  const select = h("select", { className: "bk-select", "data-action-id": element.action_id, name: blockId, multiple },
    multiple ? null : h("option", { value: "", selected: !chosen.size }, plain(element.placeholder) || "—"),
    choices.map(([id, name]) => h("option", { value: id, selected: chosen.has(id) }, name)));
  if (multiple) select.size = Math.min(6, Math.max(3, choices.length));
  return select;
}

function peopleChoices(ctx) {
  return ctx.people.map((p) => [p.id, p.name]);
}

function channelChoices(ctx) {
  return Object.entries(ctx.channelNames || {}).map(([id, name]) => [id, `# ${name}`]);
}

// A menu whose options the app loads as the person types (Slack sends the app a block_suggestion): a search box
// over a list of what the app answered; the option chosen keeps its text, as Slack keeps it in the form's state.
function externalSelect(element, blockId, ctx) {
  const initial = element.initial_option;
  const none = h("option", { value: "" }, "—");
  const select = h("select", { className: "bk-select", "data-action-id": element.action_id, name: blockId },
    none, initial ? h("option", { value: initial.value, selected: true, "data-text": plain(initial.text) }, optionLabel(initial)) : null);
  const search = h("input", { type: "search", className: "bk-external-search", "data-search": blockId,
    placeholder: plain(element.placeholder) || "Type to search" });
  let asked = 0;
  search.addEventListener("input", async () => {
    const typed = search.value.trim();
    if (typed.length < (element.min_query_length ?? 3) || !ctx.loadOptions) return;
    const mine = ++asked;
    const options = await ctx.loadOptions(blockId, typed);
    if (mine !== asked) return;  // a later keystroke asked again
    select.replaceChildren(none, ...options.map((o) => h("option", { value: o.value, "data-text": plain(o.text) }, optionLabel(o))));
    if (options.length) select.value = options[0].value;
  });
  return h("div", { className: "bk-external" }, search, select);
}

function overflow(element, blockId, ctx) {
  const select = h("select", { className: "bk-select bk-overflow", title: "More", "data-action-id": element.action_id },
    h("option", { value: "", selected: true, disabled: true }, "⋯"),
    (element.options || []).map((o) => h("option", { value: o.value }, optionLabel(o))));
  select.addEventListener("change", () => ctx.onAction(element, blockId, select.value, select));
  return select;
}

function element(element, blockId, ctx) {
  switch (element.type) {
    case "button": return button(element, blockId, ctx);
    case "static_select": return staticSelect(element, blockId, ctx);
    case "users_select": return usersSelect(element, blockId, ctx);
    case "overflow": return overflow(element, blockId, ctx);
    case "image": return h("img", { className: "bk-image", src: element.image_url, alt: element.alt_text || "" });
    default: return h("span", { className: "bk-unknown" }, `[${element.type}]`);
  }
}

// -- blocks ----------------------------------------------------------------------------------------------

function section(block, ctx) {
  const main = h("div", { className: "main" });
  if (block.text) main.append(h("div", { className: "text" }, textObject(block.text, ctx)));
  if (block.fields) main.append(h("div", { className: "fields" }, block.fields.map((f) => h("div", { className: "text" }, textObject(f, ctx)))));
  return h("div", { className: "block section" }, main, block.accessory ? element(block.accessory, block.block_id, ctx) : null);
}

function input(block, ctx) {
  const el = block.element || {};
  const error = (ctx.errors || {})[block.block_id];
  const inputCtx = { ...ctx, dispatch: Boolean(block.dispatch_action) };
  let control;
  switch (el.type) {
    case "plain_text_input": {
      // Slack's box takes no more than max_length characters (and asks for min_length); so does this one.
      const limits = { name: block.block_id, placeholder: plain(el.placeholder), maxlength: el.max_length, minlength: el.min_length };
      control = el.multiline
        ? h("textarea", limits, el.initial_value || "")
        : h("input", { type: "text", value: el.initial_value || "", ...limits });
      break;
    }
    case "static_select": control = staticSelect(el, block.block_id, inputCtx, { inForm: true }); break;
    case "users_select": control = usersSelect(el, block.block_id, inputCtx, { inForm: true }); break;
    case "external_select": control = externalSelect(el, block.block_id, inputCtx); break;
    case "channels_select": control = idSelect(el, block.block_id, channelChoices(ctx)); break;
    case "multi_users_select": control = idSelect(el, block.block_id, peopleChoices(ctx), { multiple: true }); break;
    case "multi_channels_select": control = idSelect(el, block.block_id, channelChoices(ctx), { multiple: true }); break;
    case "checkboxes":
    case "radio_buttons": {
      const chosen = new Set((el.initial_options || (el.initial_option ? [el.initial_option] : [])).map((o) => o.value));
      const kind = el.type === "checkboxes" ? "checkbox" : "radio";
      control = h("div", { "data-choices": block.block_id, "data-kind": el.type },
        (el.options || []).map((o) => h("label", { className: "choice" },
          h("input", { type: kind, name: block.block_id, value: o.value, checked: chosen.has(o.value) }), textObject(o.text, ctx))));
      break;
    }
    default: control = h("span", {}, `[${el.type}]`);
  }
  return h("div", { className: `block input-block${error ? " has-error" : ""}`, "data-block-id": block.block_id, "data-type": el.type },
    h("label", {}, plain(block.label), block.optional ? h("span", { className: "optional" }, " (optional)") : null),
    control,
    block.hint ? h("div", { className: "hint" }, plain(block.hint)) : null,
    error ? h("div", { className: "error" }, error) : null);
}

function block(block, ctx) {
  switch (block.type) {
    case "section": return section(block, ctx);
    case "header": return h("div", { className: "block header" }, plain(block.text));
    case "divider": return h("div", { className: "block divider" }, h("hr"));
    case "context":
      return h("div", { className: "block context" }, (block.elements || []).map((e) =>
        e.type === "image" ? h("img", { src: e.image_url, alt: e.alt_text || "" }) : h("span", { className: "text" }, textObject(e, ctx))));
    case "actions":
      return h("div", { className: "block actions" }, (block.elements || []).map((e) => element(e, block.block_id, ctx)));
    case "image":
      return h("div", { className: "block" }, block.title ? h("div", {}, plain(block.title)) : null,
        h("img", { className: "bk-image", src: block.image_url, alt: block.alt_text || "" }));
    case "input": return input(block, ctx);
    case "rich_text": return null;  // people's messages: their text is shown instead
    default: return h("div", { className: "block" }, `[${block.type}]`);
  }
}

function blocks(list, ctx) {
  return h("div", { className: "blocks" }, (list || []).map((b) => block(b, ctx)));
}

// What a person filled in a form: {block_id: value} (text, option value, user id, or a list for checkboxes).
function formAnswers(root) {
  const answers = {};
  for (const node of root.querySelectorAll(".input-block")) {
    const id = node.dataset.blockId;
    const type = node.dataset.type;
    if (type === "multi_users_select" || type === "multi_channels_select") {
      answers[id] = [...node.querySelector("select").selectedOptions].map((o) => o.value);
    } else if (type === "checkboxes") {
      answers[id] = [...node.querySelectorAll("input:checked")].map((i) => i.value);
    } else if (type === "external_select") {
      const chosen = node.querySelector("select").selectedOptions[0];
      answers[id] = chosen && chosen.value ? { text: { type: "plain_text", text: chosen.dataset.text || chosen.textContent }, value: chosen.value } : null;
    } else if (type === "radio_buttons") {
      const chosen = node.querySelector("input:checked");
      answers[id] = chosen ? chosen.value : null;
    } else {
      const control = node.querySelector("input, textarea, select");
      answers[id] = control && control.value !== "" ? control.value : null;
    }
  }
  return answers;
}

window.BlockKit = { h, mrkdwn, blocks, block, plain, formAnswers, emojify, EMOJI };
})();
