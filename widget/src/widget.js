/* 401(k) loan assistant: embeddable chat widget over Rasa's socket.io channel.
 * Built into dist/loan-chat.js by build.py, which puts `io` (socket.io-client), WIDGET_CSS,
 * PRINT_CSS and WIDGET_WORDS in scope. Plain DOM, no framework; everything renders inside a shadow root. */
"use strict";

var DEFAULTS = {
  serverUrl: "",            // the Rasa server, e.g. "https://assistant.example.org"
  socketPath: "/socket.io", // credentials.yml's socketio_path
  title: null,              // header title (default from words)
  subtitle: null,
  greeting: null,           // first bot bubble of a new conversation
  colors: {},               // primary, onPrimary, background, surface, text, muted, border, focus
  startingPoints: null,     // quick replies shown under the greeting
  metadata: {},             // sent with every message (Rasa message metadata, e.g. {today: "2025-11-01"})
  storage: "session",       // "session" (per tab) or "local" (across tabs and browser restarts)
  storageKey: "loan-assistant",
  open: false,              // start with the panel open
  container: null,          // an element (or selector) to render inline instead of the floating launcher
  words: {},                // overrides for any entry of words.json
  slowReplyMs: 30000        // after this long without an answer, say so
};

var ICONS = {
  chat: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>',
  close: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>',
  restart: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg>',
  send: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z"/></svg>',
  print: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 3h10v4h2a2 2 0 0 1 2 2v7h-4v5H7v-5H3V9a2 2 0 0 1 2-2h2zm2 2v2h6V5zm0 10v4h6v-4zm9-5a1 1 0 1 0 0 2 1 1 0 0 0 0-2z"/></svg>',
  calendar: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3zm12 8H5v9h14zM11 12h2v3h3v2h-3v3h-2v-3H8v-2h3z"/></svg>'
};

function merge(base, extra) {
  var out = {};
  Object.keys(base).forEach(function (k) { out[k] = base[k]; });
  Object.keys(extra || {}).forEach(function (k) { if (extra[k] !== undefined && extra[k] !== null) out[k] = extra[k]; });
  return out;
}

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    var v = attrs[k];
    if (v === undefined || v === null || v === false) return;
    if (k === "text") node.textContent = v;
    else if (k === "html") node.innerHTML = v; // only our own icon markup
    else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  });
  (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
  return node;
}

function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
}

/* WCAG relative luminance and contrast ratio, to warn an integrator about unreadable colours. */
function luminance(hex) {
  var m = /^#?([0-9a-f]{6})$/i.exec(String(hex).trim());
  if (!m) return null;
  var n = parseInt(m[1], 16);
  return [n >> 16, (n >> 8) & 255, n & 255].map(function (c) {
    c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }).reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
}
function contrast(a, b) {
  var la = luminance(a), lb = luminance(b);
  if (la === null || lb === null) return null;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

var COLOR_VARS = {
  primary: "--la-primary", onPrimary: "--la-on-primary", background: "--la-background",
  surface: "--la-surface", text: "--la-text", muted: "--la-muted", border: "--la-border", focus: "--la-focus"
};

function LoanChat(options) {
  this.o = merge(DEFAULTS, options);
  this.w = merge(WIDGET_WORDS, this.o.words);
  this.serverUrl = String(this.o.serverUrl || "").replace(/\/+$/, "");
  this.storage = this.o.storage === "local" ? window.localStorage : window.sessionStorage;
  this.key = this.o.storageKey + ":" + (this.serverUrl || location.origin);
  this.state = this.load();
  this.ready = false;
  this.waitingSince = 0;
  this.build();
  this.render();
  this.connect();
  if (this.o.open || this.state.open) this.open(false);
}

LoanChat.prototype.load = function () {
  var empty = { sessionId: null, transcript: [], outbox: [], draft: "", open: false };
  try {
    var saved = JSON.parse(this.storage.getItem(this.key) || "null");
    return saved && Array.isArray(saved.transcript) ? merge(empty, saved) : empty;
  } catch (e) { return empty; }
};

LoanChat.prototype.save = function () {
  try { this.storage.setItem(this.key, JSON.stringify(this.state)); } catch (e) { /* private mode: memory only */ }
};

LoanChat.prototype.dateText = function (iso) {
  var p = String(iso).split("-").map(Number);
  return new Intl.DateTimeFormat(this.w.locale, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
};

LoanChat.prototype.money = function (amount) {
  return new Intl.NumberFormat(this.w.locale, { style: "currency", currency: this.w.currency }).format(Number(amount));
};

/* ---------------------------------------------------------------- layout */
LoanChat.prototype.build = function () {
  var w = this.w, self = this;
  this.host = el("div", { "class": "loan-assistant-widget" });
  var inline = this.o.container && (typeof this.o.container === "string" ? document.querySelector(this.o.container) : this.o.container);
  (inline || document.body).appendChild(this.host);
  this.root = this.host.attachShadow({ mode: "open" });
  this.root.appendChild(el("style", { text: WIDGET_CSS }));

  var colors = this.o.colors || {};
  Object.keys(COLOR_VARS).forEach(function (name) {
    if (colors[name]) self.host.style.setProperty(COLOR_VARS[name], colors[name]);
  });
  var ratio = contrast(colors.primary || "#1d4ed8", colors.onPrimary || "#ffffff");
  if (ratio !== null && ratio < 4.5 && window.console) {
    console.warn("loan-chat: primary/onPrimary colour contrast is " + ratio.toFixed(2) + ":1, below WCAG AA (4.5:1)");
  }

  var titleId = "la-title";
  this.launcher = el("button", { "class": "launcher", type: "button", "aria-label": w.open_chat,
    "aria-controls": "la-panel", "aria-expanded": "false", html: ICONS.chat, onclick: function () { self.open(true); } });
  this.launcher.appendChild(el("span", { text: this.o.title || w.title }));

  this.status = el("div", { "class": "status", role: "status", hidden: true });
  // The log is read by moving through it; what is new is announced once, by the announcer
  // (a card is summarised there instead of being read out whole).
  this.log = el("div", { "class": "log", role: "log", "aria-live": "off", "aria-label": this.o.title || w.title, tabindex: "0" });
  this.announcer = el("div", { "class": "sr-only announcer", "aria-live": "polite", "aria-relevant": "additions" });
  this.typing = el("div", { "class": "typing", hidden: true }, [el("span"), el("span"), el("span"),
    el("span", { "class": "sr-only", text: w.typing })]);
  this.input = el("textarea", { id: "la-input", rows: "1", placeholder: w.input_placeholder, autocomplete: "off", maxlength: "2000",
    "aria-label": w.input_label });
  this.input.value = this.state.draft || "";
  this.input.addEventListener("input", function () { self.state.draft = self.input.value; self.save(); });
  this.input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.submit(); }
  });
  var form = el("form", { "class": "composer", onsubmit: function (e) { e.preventDefault(); self.submit(); } }, [
    el("label", { "for": "la-input", "class": "sr-only", text: w.input_label }),
    this.input,
    el("button", { "class": "send", type: "submit", "aria-label": w.send, title: w.send, html: ICONS.send })
  ]);

  var header = el("div", { "class": "header" }, [
    el("div", { "class": "titles" }, [
      el("h2", { id: titleId, text: this.o.title || w.title }),
      el("p", { text: this.o.subtitle || w.subtitle })
    ]),
    el("button", { "class": "icon-button", type: "button", "aria-label": w.new_conversation, title: w.new_conversation,
      html: ICONS.restart, onclick: function () { self.restart(); } }),
    inline ? null : el("button", { "class": "icon-button close", type: "button", "aria-label": w.close_chat,
      title: w.close_chat, html: ICONS.close, onclick: function () { self.close(); } })
  ]);
  this.panel = el("section", { id: "la-panel", "class": "panel" + (inline ? " inline" : ""), role: inline ? "region" : "dialog",
    "aria-labelledby": titleId, hidden: !inline }, [header, this.status, this.log, form]);
  this.panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !inline) { e.stopPropagation(); self.close(); }
  });
  if (!inline) this.root.appendChild(this.launcher);
  this.root.appendChild(this.panel);
  this.root.appendChild(this.announcer);
  this.inline = !!inline;
};

LoanChat.prototype.open = function (focus) {
  this.panel.hidden = false;
  this.launcher.hidden = true;
  this.launcher.setAttribute("aria-expanded", "true");
  this.state.open = true; this.save();
  this.scrollDown();
  if (focus) this.input.focus();
};

LoanChat.prototype.close = function () {
  if (this.inline) return;
  this.panel.hidden = true;
  this.launcher.hidden = false;
  this.launcher.setAttribute("aria-expanded", "false");
  this.state.open = false; this.save();
  this.launcher.focus(); // focus goes back where the person opened the chat
};

LoanChat.prototype.restart = function () {
  this.state = { sessionId: null, transcript: [], outbox: [], draft: "", open: true };
  this.save();
  this.render();
  if (this.socket) { this.ready = false; this.socket.emit("session_request", { session_id: null }); }
  this.input.focus();
};

/* ---------------------------------------------------------------- connection */
LoanChat.prototype.connect = function () {
  var self = this;
  this.showStatus(this.w.connecting, false);
  this.socket = io(this.serverUrl || undefined, {
    path: this.o.socketPath, reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 8000, timeout: 8000
  });
  this.socket.on("connect", function () {
    self.socket.emit("session_request", { session_id: self.state.sessionId });
  });
  this.socket.on("session_confirm", function (data) {
    var id = typeof data === "string" ? data : (data && data.session_id);
    self.state.sessionId = id; self.save();
    var wasDown = self.hadTrouble;
    self.ready = true; self.hadTrouble = false;
    if (wasDown) self.showStatus(self.w.reconnected, true, 2500); else self.hideStatus();
    self.flush();
  });
  this.socket.on("bot_uttered", function (message) { self.receive(message); });
  function trouble() {
    self.ready = false; self.hadTrouble = true;
    self.showStatus(self.w.unreachable, false, 0, true);
  }
  this.socket.on("connect_error", trouble);
  this.socket.on("disconnect", function (reason) {
    if (reason === "io client disconnect") return;
    trouble();
    if (reason === "io server disconnect") self.socket.connect(); // socket.io leaves this one to us
  });
};

LoanChat.prototype.showStatus = function (text, ok, hideAfterMs, retry) {
  var self = this;
  clearTimeout(this.statusTimer);
  this.status.textContent = "";
  this.status.className = "status" + (ok ? " ok" : "");
  this.status.setAttribute("role", ok ? "status" : "alert");
  this.status.appendChild(el("span", { text: text }));
  if (retry) {
    this.status.appendChild(el("button", { type: "button", text: this.w.retry_now, onclick: function () {
      self.socket.disconnect(); self.socket.connect();
    } }));
  }
  this.status.hidden = false;
  if (hideAfterMs) this.statusTimer = setTimeout(function () { self.hideStatus(); }, hideAfterMs);
};

LoanChat.prototype.hideStatus = function () { this.status.hidden = true; };

/* ---------------------------------------------------------------- conversation */
LoanChat.prototype.submit = function () {
  var text = this.input.value.trim();
  if (!text) return;
  this.input.value = ""; this.state.draft = "";
  this.say(text, text);
};

// `shown` is what the person sees in their bubble, `payload` what Rasa gets (a button's intent).
LoanChat.prototype.say = function (shown, payload) {
  var entry = { from: "user", text: shown, id: Date.now() + "-" + Math.random().toString(36).slice(2), pending: true };
  this.state.transcript.push(entry);
  this.state.outbox.push({ id: entry.id, message: payload });
  this.save();
  this.appendEntry(entry, this.state.transcript.length - 1);
  this.flush();
};

LoanChat.prototype.flush = function () {
  if (!this.ready || !this.state.sessionId) return;
  while (this.state.outbox.length) {
    var item = this.state.outbox.shift();
    this.socket.emit("user_uttered", { message: item.message, session_id: this.state.sessionId, metadata: this.o.metadata || {} });
    this.state.transcript.forEach(function (e) { if (e.id === item.id) e.pending = false; });
    var bubble = this.log.querySelector('[data-id="' + item.id + '"]');
    if (bubble) { bubble.classList.remove("pending"); var note = bubble.querySelector(".pending-note"); if (note) note.remove(); }
  }
  this.save();
  this.setTyping(true);
};

LoanChat.prototype.setTyping = function (on) {
  var self = this;
  clearTimeout(this.slowTimer);
  this.typing.hidden = !on;
  if (on) {
    this.log.appendChild(this.typing);
    this.scrollDown();
    this.slowTimer = setTimeout(function () {
      self.typing.hidden = true;
      self.log.appendChild(el("p", { "class": "note", text: self.w.slow_reply }));
    }, this.o.slowReplyMs);
  }
};

LoanChat.prototype.receive = function (message) {
  if (!message || typeof message !== "object") return;
  this.setTyping(false);
  var entry = null;
  if (message.custom && message.custom.assessment) {
    entry = { from: "bot", card: { assessment: message.custom.assessment, calendar: message.custom.calendar || null } };
    // The text messages of this answer say the same as the card: keep them, folded under it.
    var turn = [];
    for (var i = this.state.transcript.length - 1; i >= 0; i--) {
      var e = this.state.transcript[i];
      if (e.from !== "bot" || e.card || e.folded) break;
      turn.unshift(i);
    }
    var self = this;
    turn.forEach(function (idx) { self.state.transcript[idx].folded = true; });
  } else if (message.text) {
    entry = { from: "bot", text: message.text };
    if (Array.isArray(message.quick_replies) && message.quick_replies.length) {
      entry.replies = message.quick_replies.map(function (r) { return { title: r.title, payload: r.payload }; });
    }
  }
  if (!entry) return; // other custom payloads (what-if, box 7 details) are for richer clients
  this.announce(entry);
  this.state.transcript.push(entry);
  this.save();
  if (entry.card) {
    this.render();
    // Start reading the answer at its heading, not at its end.
    var cards = this.log.querySelectorAll(".card"), log = this.log, newest = cards[cards.length - 1];
    requestAnimationFrame(function () { log.scrollTop = newest.offsetTop - log.offsetTop - 8; });
  } else {
    this.appendEntry(entry, this.state.transcript.length - 1);
  }
  // Keep the typing dots while more parts of the same answer may follow.
  var typing = this.typing;
  clearTimeout(this.moreTimer);
  typing.hidden = false; this.log.appendChild(typing);
  this.moreTimer = setTimeout(function () { typing.hidden = true; }, 700);
};

LoanChat.prototype.announce = function (entry) {
  var w = this.w, text = entry.text;
  if (entry.card) {
    var a = entry.card.assessment, kind = w.classification[a.classification] || { title: a.classification };
    var next = datesOf(entry.card).filter(function (t) {
      return t.rule !== "user_fact" && t.name !== "age_59_half_date" && (!a.as_of || t.date >= a.as_of);
    })[0];
    text = fill(w.card_announcement, { title: kind.title,
      next: next ? fill(w.card_announcement_next, { label: next.label, date: this.dateText(next.date) }) : "" });
  } else if (entry.replies) {
    text += " " + fill(w.replies_announcement, { titles: entry.replies.map(function (r) { return r.title; }).join(", ") });
  }
  this.announcer.appendChild(el("p", { text: text }));
  while (this.announcer.childNodes.length > 20) this.announcer.removeChild(this.announcer.firstChild);
};

// The assessment's timeline in date order; on the same day the core's order is kept.
function datesOf(card) {
  return (card.assessment.timeline || [])
    .map(function (t, i) { return { t: t, i: i }; })
    .sort(function (x, y) { return x.t.date < y.t.date ? -1 : x.t.date > y.t.date ? 1 : x.i - y.i; })
    .map(function (x) { return x.t; });
}

/* ---------------------------------------------------------------- rendering */
LoanChat.prototype.render = function () {
  var self = this;
  this.log.textContent = "";
  this.log.appendChild(this.bubble("bot", this.o.greeting || this.w.greeting));
  var noUserYet = !this.state.transcript.some(function (e) { return e.from === "user"; });
  if (noUserYet) this.log.appendChild(this.chips(this.o.startingPoints || this.w.starting_points, this.w.starting_points_label, true));
  var folded = [];
  this.state.transcript.forEach(function (entry, i) {
    if (entry.folded) { folded.push(entry); return; }
    if (entry.card) { self.log.appendChild(self.card(entry.card, folded)); folded = []; return; }
    self.appendEntry(entry, i, true);
  });
  this.scrollDown();
};

LoanChat.prototype.bubble = function (from, text, pending, id) {
  var node = el("div", { "class": "msg " + from + (pending ? " pending" : ""), "data-id": id },
    [el("span", { "class": "sr-only", text: (from === "user" ? this.w.you_said : this.w.assistant_said) + ": " }), text]);
  if (pending) node.appendChild(el("span", { "class": "pending-note", text: this.w.waiting_to_send }));
  return node;
};

LoanChat.prototype.appendEntry = function (entry, index, bulk) {
  if (entry.folded) return;
  var removeOld = this.log.querySelectorAll(".chips.live");
  Array.prototype.forEach.call(removeOld, function (n) { n.remove(); });
  this.log.appendChild(this.bubble(entry.from, entry.text, entry.pending, entry.id));
  var isLast = index === this.state.transcript.length - 1;
  if (entry.replies && isLast) this.log.appendChild(this.chips(entry.replies, this.w.suggested_replies_label, true));
  if (!bulk) this.scrollDown();
};

LoanChat.prototype.chips = function (replies, label, live) {
  var self = this;
  var group = el("div", { "class": "chips" + (live ? " live" : ""), role: "group", "aria-label": label });
  replies.forEach(function (r) {
    group.appendChild(el("button", { type: "button", "class": "chip", text: r.title, onclick: function () {
      group.remove();
      self.say(r.title, r.payload);
      self.input.focus(); // keyboard users continue where they type
    } }));
  });
  return group;
};

LoanChat.prototype.scrollDown = function () {
  var log = this.log;
  requestAnimationFrame(function () { log.scrollTop = log.scrollHeight; });
};

/* The assessment card: classification, key figures, timeline, box 7, 10% tax, steps, sources,
 * the calendar button. Every fact comes from the rules core's assessment; only headings are ours. */
LoanChat.prototype.card = function (entry, foldedTexts) {
  var w = this.w, a = entry.assessment, self = this;
  var kind = w.classification[a.classification] || { title: a.classification, tone: "neutral" };
  var sources = [], sourceIndex = {};
  function cite(citations) {
    var sup = el("sup");
    var numbered = (citations || []).map(function (c) {
      if (!(c.id in sourceIndex)) { sources.push(c); sourceIndex[c.id] = sources.length; }
      return { n: sourceIndex[c.id], label: c.label };
    }).sort(function (x, y) { return x.n - y.n; });
    // A button, not an in-page link: its target is inside the shadow root, where a "#id" link
    // leads nowhere (nor can assistive technology follow it). Its name starts with what it shows.
    numbered.forEach(function (c) {
      var shown = "[" + c.n + "]";
      sup.appendChild(el("button", { type: "button", "class": "footnote", "data-source": sourceId(c.n),
        "aria-label": fill(w.footnote_label, { number: shown, source: c.label }), text: shown }));
    });
    return sup.childNodes.length ? sup : null;
  }
  var cardId = (LoanChat.cards = (LoanChat.cards || 0) + 1);
  function sourceId(n) { return "la-src-" + n + "-" + cardId; }
  function first(text) { return String(text || "").split("\n\n")[0]; }
  function section(heading, children, cls) {
    return el("section", { "class": cls }, [el("h4", { text: heading })].concat(children));
  }

  var conclusions = (a.explanations || []).filter(function (e) { return e.topic.indexOf("result.") === 0; });
  var body = [];
  if (conclusions.length) body.push(el("p", { "class": "conclusion" }, [first(conclusions[0].text), cite(conclusions[0].citations)]));

  var keys = el("dl", { "class": "keys" });
  function key(label, value) { keys.appendChild(el("div", {}, [el("dt", { text: label }), el("dd", { text: value })])); }
  if (a.taxable_amount !== null && a.taxable_amount !== undefined) key(w.key_taxable, this.money(a.taxable_amount));
  if (a.tax_year) key(w.key_tax_year, String(a.tax_year));
  key(w.key_box7, a.form_1099r_box7 || w.key_box7_unknown);
  body.push(keys);

  var asOf = a.as_of, upcoming = null;
  var timeline = el("ol", { "class": "timeline", "aria-label": w.timeline_heading });
  var dates = datesOf(entry);
  dates.forEach(function (t) {
    var past = asOf && t.date < asOf;
    var isDeadline = t.rule !== "user_fact" && !past;
    if (isDeadline && !upcoming && t.name !== "age_59_half_date") upcoming = t.name;
    var days = asOf ? Math.round((Date.parse(t.date) - Date.parse(asOf)) / 86400000) : null;
    var when = null;
    if (days !== null) {
      when = past ? w.timeline_past : days === 0 ? w.is_today : days === 1 ? w.in_one_day
        : days >= 730 ? fill(w.in_years, { n: Math.round(days / 365.25) }) : fill(w.in_days, { n: days });
      if (upcoming === t.name) when = w.timeline_next + " · " + when;
    }
    var li = el("li", { "data-name": t.name, "class": (past ? "past" : "") + (isDeadline ? " deadline" : "") + (upcoming === t.name ? " next" : "") }, [
      el("time", { datetime: t.date, text: self.dateText(t.date) }),
      el("span", { "class": "label", text: t.label }),
      when ? el("span", { "class": "when" + (past ? " past" : ""), text: when }) : null,
      w.certainty_badge[t.certainty] ? el("span", { "class": "badge", title: w.certainty[t.certainty], text: w.certainty_badge[t.certainty] }) : null,
      cite(t.citations),
      t.rule === "user_fact" ? null : el("span", { "class": "says", text: t.says + (w.certainty[t.certainty] ? " " + w.certainty[t.certainty] : "") })
    ]);
    if (upcoming === t.name) li.setAttribute("aria-current", "step");
    timeline.appendChild(li);
  });
  if (dates.length) body.push(section(w.timeline_heading, [timeline]));

  var actions = el("div", { "class": "actions" });
  if (entry.calendar && entry.calendar.ics) {
    var n = entry.calendar.events;
    actions.appendChild(el("div", {}, [
      el("button", { type: "button", "class": "calendar", html: ICONS.calendar, onclick: function () { self.download(entry.calendar); } },
        [el("span", { text: w.calendar_button })]),
      el("p", { "class": "hint", text: n === 1 ? w.calendar_hint_one : fill(w.calendar_hint, { n: n }) })
    ]));
  }
  var printHint = "la-print-hint-" + cardId;
  actions.appendChild(el("div", {}, [
    el("button", { type: "button", "class": "print", html: ICONS.print, "aria-describedby": printHint,
      onclick: function () { self.printCard(article, entry); } }, [el("span", { text: w.print_button })]),
    el("p", { "class": "hint", id: printHint, text: w.print_hint })
  ]));
  body.push(actions);

  if (a.form_1099r_box7) {
    var check = a.code_check && a.code_check.note ? el("p", { text: a.code_check.note }) : null;
    body.push(section(w.box7_heading, [el("div", { "class": "box7" }, [
      el("span", { "class": "code", text: a.form_1099r_box7 }),
      el("p", { text: fill(w.box7_expected, { code: a.form_1099r_box7 }) })
    ]), check]));
  }

  var tax = a.additional_tax;
  if (tax) {
    var line = tax.applies === true ? (tax.amount ? fill(w.tax_applies, { amount: this.money(tax.amount) }) : w.tax_applies_no_amount)
      : tax.applies === false ? w.tax_none : w.tax_unknown;
    body.push(section(w.tax_heading, [el("p", { "class": "tax-line", text: line }), tax.reason ? el("p", { text: first(tax.reason) }) : null]));
  }

  if ((a.next_steps || []).length) {
    // The first steps in view; the rest one click away, so the card stays short.
    var shownSteps = 3, steps = el("ol", { "class": "steps" }), more = el("ol", { "class": "steps", start: String(shownSteps + 1) });
    a.next_steps.forEach(function (s, i) {
      (i < shownSteps ? steps : more).appendChild(el("li", {}, [el("strong", { text: s.title }), first(s.text), cite(s.citations)]));
    });
    var rest = a.next_steps.length - shownSteps;
    body.push(section(w.steps_heading, [steps, rest > 0 ? el("details", { "class": "more" }, [
      el("summary", { text: rest === 1 ? w.more_steps_one : fill(w.more_steps, { n: rest }) }), more]) : null]));
  }

  if (sources.length) {
    var list = el("ol", { "class": "sources" });
    sources.forEach(function (c, i) {
      var label = c.label + (c.title ? ": " + c.title : "");
      // tabindex -1: a footnote moves focus here, so the source is read next
      list.appendChild(el("li", { id: sourceId(i + 1), tabindex: "-1" },
        [c.url ? el("a", { href: c.url, target: "_blank", rel: "noopener noreferrer", text: label }) : label]));
    });
    body.push(el("details", { "class": "more sources-box" }, [el("summary", { text: fill(w.sources_count, { n: sources.length }) }), list]));
  }
  if (a.disclaimer) body.push(el("p", { "class": "disclaimer", text: a.disclaimer }));
  if (foldedTexts && foldedTexts.length) {
    var details = el("details", { "class": "as-text" }, [el("summary", { text: w.as_text })]);
    foldedTexts.forEach(function (e) { details.appendChild(self.bubble("bot", e.text)); });
    body.push(details);
  }

  var article = el("article", { "class": "card", "aria-label": w.card_label + ": " + kind.title }, [
    el("div", { "class": "card-head " + kind.tone }, [el("p", { "class": "card-kicker", text: w.card_heading }), el("h3", { text: kind.title })]),
    el("div", { "class": "card-body" }, body)
  ]);
  // A footnote opens the sources and moves focus to its entry.
  article.addEventListener("click", function (e) {
    var footnote = e.target.closest && e.target.closest("button.footnote");
    var target = footnote && self.root.getElementById(footnote.getAttribute("data-source"));
    if (!target) return;
    target.closest("details").open = true;
    target.focus();
  });
  return article;
};

/* ---------------------------------------------------------------- the printable summary
 * "Print or save as PDF" prints the card alone. The card sits in a shadow root inside someone
 * else's page: a print stylesheet there would have to hide the portal's own content (against
 * its markup and its own print rules) and undo the panel's fixed, scrolling layout, and a
 * person pressing Ctrl+P on the portal would no longer get the portal. So the button opens the
 * summary as a document of its own in a new window, built from the card and styled by
 * PRINT_CSS alone, and asks the browser to print it; every browser's print dialog can save it
 * as a PDF. The window stays open afterwards: the summary reads as well on screen. */
LoanChat.prototype.printCard = function (article, entry) {
  var win = window.open("", "_blank");
  if (!win) { this.printBlocked = true; this.showStatus(this.w.print_blocked, false); return; }
  if (this.printBlocked) { this.printBlocked = false; this.hideStatus(); }
  var summary = this.printable(article, entry), doc = win.document;
  doc.open();
  doc.write('<!doctype html><html><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body></body></html>');
  doc.close();
  doc.documentElement.setAttribute("lang", this.w.locale);
  doc.title = summary.title;
  var style = doc.createElement("style");
  style.textContent = PRINT_CSS;
  doc.head.appendChild(style);
  summary.parts.forEach(function (part) { doc.body.appendChild(doc.importNode(part, true)); });
  win.focus();
  win.print();
};

// The card's content without the chat around it: no buttons, every step and source shown,
// footnotes as plain numbers, each source's address written out, and the day it was made.
LoanChat.prototype.printable = function (article, entry) {
  var w = this.w, a = entry.assessment;
  var kind = w.classification[a.classification] || { title: a.classification };
  var body = article.querySelector(".card-body").cloneNode(true);
  function all(selector) { return Array.prototype.slice.call(body.querySelectorAll(selector)); }
  all(".actions, details.as-text").forEach(function (n) { n.remove(); });
  all("button.footnote").forEach(function (b) { b.replaceWith(el("span", { "class": "footnote", text: b.textContent })); });
  all("details.more:not(.sources-box)").forEach(function (more) {
    var shown = more.previousElementSibling; // the first steps: the rest join them
    Array.prototype.slice.call(more.querySelectorAll("ol > li")).forEach(function (li) { shown.appendChild(li); });
    more.remove();
  });
  all("details.sources-box").forEach(function (box) {
    var list = box.querySelector("ol.sources");
    Array.prototype.slice.call(list.children).forEach(function (li) {
      var link = li.querySelector("a");
      li.removeAttribute("id"); li.removeAttribute("tabindex");
      if (link) li.replaceChildren(link.textContent, el("a", { href: link.href, text: link.href }));
    });
    box.replaceWith(el("section", {}, [el("h4", { text: w.sources_heading }), list]));
  });
  // The document's own heading levels: its title is the h1, the card's sections are h2.
  all("h4").forEach(function (h) { h.replaceWith(el("h2", { text: h.textContent })); });

  var now = new Date(), today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map(function (n) { return (n < 10 ? "0" : "") + n; }).join("-");
  var made = fill(w.print_made, { date: this.dateText(today) });
  if (a.as_of && a.as_of !== today) made += " " + fill(w.print_as_of, { date: this.dateText(a.as_of) });
  return {
    title: fill(w.print_document_title, { title: kind.title, date: this.dateText(today) }),
    parts: [
      el("header", {}, [el("p", { "class": "kicker", text: w.print_kicker }), el("h1", { text: kind.title }),
        el("p", { "class": "made", text: made })]),
      el("main", {}, [body])
    ]
  };
};

LoanChat.prototype.download = function (calendar) {
  var blob = new Blob([calendar.ics], { type: "text/calendar;charset=utf-8" });
  var url = URL.createObjectURL(blob);
  var link = el("a", { href: url, download: calendar.filename || "deadlines.ics" });
  this.root.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  this.showStatus(this.w.calendar_done, true, 4000);
};

/* ---------------------------------------------------------------- entry points */
var api = window.LoanAssistantWidget = window.LoanAssistantWidget || {};
api.init = function (options) {
  if (api.instance) return api.instance;
  api.instance = new LoanChat(options || {});
  return api.instance;
};

// One script tag: options from window.LoanAssistantOptions and/or the tag's data-* attributes.
var script = document.currentScript;
function autoStart() {
  var fromTag = {};
  if (script) {
    var d = script.dataset;
    if (d.serverUrl) fromTag.serverUrl = d.serverUrl;
    if (d.title) fromTag.title = d.title;
    if (d.greeting) fromTag.greeting = d.greeting;
    if (d.primaryColor) fromTag.colors = { primary: d.primaryColor };
  }
  var opts = merge(window.LoanAssistantOptions || {}, fromTag);
  if (window.LoanAssistantOptions || fromTag.serverUrl || (script && script.hasAttribute("data-auto"))) api.init(opts);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoStart); else autoStart();
