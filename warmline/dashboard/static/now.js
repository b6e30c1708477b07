// The Now page refreshes itself: it polls now.json and redraws the lists with text only
// (never HTML from the server), and ticks the wait times every second in between.
(function () {
  "use strict";
  var status = document.getElementById("updated");
  if (!status) { return; }
  var url = status.getAttribute("data-poll-url");
  var every = parseInt(status.getAttribute("data-poll-ms"), 10) || 2500;
  // Server time minus this browser's time, so waits are right even on a wrong laptop clock.
  var skew = Date.parse(status.getAttribute("data-now")) - Date.now();
  // The words in the page's language, written by the server beside the page.
  var source = document.getElementById("now-words");
  var W = source ? JSON.parse(source.textContent) : {};
  var STATES = W.states || { available: "Available", busy: "Busy", off: "OFF", on_call: "On call" };
  var ESCALATIONS = W.escalations || {
    alerted: "coordinator alerted", "no coordinator": "no coordinator on call",
    escalated: "a peer asked for help (ESCALATE)", crisis: "crisis words"
  };
  var ROLES = W.roles || {};
  var LANG = document.documentElement.lang || "en";

  // A phrase with {name} fields, or the English fallback when the page gave none.
  function say(key, fallback, fields) {
    var text = W[key] || fallback;
    Object.keys(fields || {}).forEach(function (k) { text = text.split("{" + k + "}").join(fields[k]); });
    return text;
  }
  var csrf = status.getAttribute("data-csrf");

  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) { return s + " s"; }
    var m = Math.floor(s / 60); s = s % 60;
    if (m < 60) { return m + " min " + (s < 10 ? "0" : "") + s + " s"; }
    var h = Math.floor(m / 60); m = m % 60;
    return h + " h " + (m < 10 ? "0" : "") + m + " min";
  }

  function span(cls, text) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function since(prefix, iso) {
    var el = span("wait", "");
    el.setAttribute("data-since", iso);
    el.setAttribute("data-prefix", prefix);
    return el;
  }

  function row(parts, crisis) {
    var li = document.createElement("li");
    li.className = crisis ? "row crisis" : "row";
    parts.forEach(function (p) { if (p) { li.appendChild(p); } });
    return li;
  }

  function form(section, kind, ref) {
    var el = document.createElement("form");
    el.method = "post";
    el.action = section.getAttribute("data-" + kind + "-url").replace("__REF__", encodeURIComponent(ref));
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
    el.appendChild(token);
    return el;
  }

  function button(before, ref, after) {
    var el = document.createElement("button");
    el.type = "submit"; el.className = "secondary";
    el.append(before, span("visually-hidden", " #" + ref), after);
    return el;
  }

  // The coordinator's two actions on a waiting conversation, as the page first drew them.
  function offerActions(w, line, section) {
    var box = document.createElement("div");
    box.className = "offer-actions";
    var again = form(section, "reoffer", w.ref);
    again.appendChild(button(say("reoffer", "Re-offer"), w.ref, say("reoffer_now", " now")));
    box.appendChild(again);
    if (!line.peers.length) {
      box.appendChild(span("hint", say("no_peer", "No peer is available to offer it to.")));
      return box;
    }
    var one = form(section, "offer", w.ref);
    one.className = "offer-one";
    var id = "offer-" + line.id + "-" + w.ref;
    var label = document.createElement("label");
    label.htmlFor = id; label.textContent = say("offer_to", "Offer #{ref} to", { ref: w.ref });
    var select = document.createElement("select");
    select.id = id; select.name = "volunteer";
    line.peers.forEach(function (p) { select.appendChild(new Option(p.name, String(p.id))); });
    one.append(label, select, button(say("offer", "Offer"), w.ref, ""));
    box.appendChild(one);
    return box;
  }

  function offered(w) {
    if (!w.offers.length) { return span("offered", say("not_offered", "not offered to anyone yet")); }
    var list = w.offers.map(function (o) { return say("offer_at", "{name} at {time}", { name: o.name, time: o.at }); });
    return span("offered", say("offered_to", "offered to {list}", { list: list.join(", ") }));
  }

  var builders = {
    waiting: function (w, line, section) {
      var li = row([span("ref", "#" + w.ref), w.crisis ? span("flag", say("crisis", "Crisis words")) : null,
                    since(say("waiting", "waiting") + " ", w.since), offered(w), offerActions(w, line, section)], w.crisis);
      li.setAttribute("data-ref", w.ref);
      return li;
    },
    active: function (a) {
      return row([span("ref", "#" + a.ref), span("who", say("with", "with {name}", { name: a.volunteer })),
                  a.crisis ? span("flag", say("crisis", "Crisis words")) : null, since(say("for", "for") + " ", a.since)], a.crisis);
    },
    on_shift: function (p, line) {
      return row([span("who", p.name), span("role", ROLES[p.role] || p.role),
                  span("state state-" + p.state, STATES[p.state] || p.state),
                  p.role === "coordinator" ? null : span("load", say("load", "{active} of {capacity} conversations", { active: p.active.toLocaleString(LANG), capacity: line.capacity.toLocaleString(LANG) })),
                  span("until", say("until", "until {time}", { time: p.until }))], false);
    },
    next_up: function (s) {
      return row([span("who", s.name), span("role", ROLES[s.role] || s.role),
                  span("until", s.starts + " " + s.hours)], false);
    },
    opted_out: function (o) {
      return row([span("flag", say("opted_out", "Opted out")),
                  span("until", say("texted", "texted at {time}: offered to no one, replies can't be delivered", { time: o.at }))], false);
    },
    escalations: function (e) {
      var li = row([span("ref", "#" + e.ref), span("role", ESCALATIONS[e.outcome] || e.outcome),
                    span("until", say("at", "at {time}", { time: e.at }))], e.outcome === "crisis");
      li.setAttribute("data-outcome", e.outcome);
      li.setAttribute("data-when", e.when);
      li.setAttribute("data-ref", e.ref);
      return li;
    }
  };

  // Which peer each waiting conversation's picker shows, so a redraw keeps a coordinator's choice.
  function chosen(list) {
    var picked = {};
    list.querySelectorAll("li[data-ref] select").forEach(function (select) {
      picked[select.closest("li").getAttribute("data-ref")] = select.value;
    });
    return picked;
  }

  function draw(line) {
    var section = document.querySelector('section.line[data-line-id="' + line.id + '"]');
    if (!section) { return false; }
    Object.keys(builders).forEach(function (part) {
      var list = section.querySelector('[data-part="' + part + '"]');
      // Leave the queue alone while someone is using one of its forms; the next poll catches up.
      if (part === "waiting" && list.contains(document.activeElement)) { return; }
      var picked = part === "waiting" ? chosen(list) : {};
      var fresh = document.createDocumentFragment();
      line[part].forEach(function (item) { fresh.appendChild(builders[part](item, line, section)); });
      list.replaceChildren(fresh);
      list.querySelectorAll("li[data-ref] select").forEach(function (select) {
        var keep = picked[select.closest("li").getAttribute("data-ref")];
        if (keep && select.querySelector('option[value="' + keep + '"]')) { select.value = keep; }
      });
      section.querySelector('[data-empty="' + part + '"]').hidden = line[part].length > 0;
    });
    ["waiting_total", "active_total"].forEach(function (part) {
      var el = section.querySelector('[data-part="' + part + '"]');
      if (el.textContent !== String(line[part])) { el.textContent = String(line[part]); }
    });
    return true;
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = (el.getAttribute("data-prefix") || "") + duration((now - Date.parse(el.getAttribute("data-since"))) / 1000);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        skew = Date.parse(data.now) - Date.now();
        var known = data.lines.every(draw);
        alertNewCrises();
        if (!known || data.lines.length !== document.querySelectorAll("section.line").length) {
          window.location.reload();  // a line was added or removed: redraw the whole page
          return;
        }
        tick();
        status.textContent = say("updated", "Updated {time}.", { time: data.updated });
        status.classList.remove("stale");
      })
      .catch(function () {
        status.textContent = say("unreachable", "Cannot reach the server; still trying.");
        status.classList.add("stale");
      })
      .finally(function () { window.setTimeout(poll, every); });
  }

  // Crisis alerts: opt-in, remembered in this browser; a notification and a short tone for each
  // new crisis flag, naming only the line and the conversation's reference.
  var OPT_IN = "warmline.crisisAlerts";
  var toggle = document.getElementById("crisis-alerts");
  var note = document.getElementById("crisis-alerts-note");
  var audio = null;
  var seen = {};

  function crisisKeys() {
    var keys = {};
    document.querySelectorAll('section.line [data-part="escalations"] li[data-outcome="crisis"]').forEach(function (li) {
      var section = li.closest("section.line");
      keys[section.getAttribute("data-line-id") + " " + li.getAttribute("data-ref") + " " + li.getAttribute("data-when")] = {
        line: section.querySelector("h2").textContent, ref: li.getAttribute("data-ref")
      };
    });
    return keys;
  }

  function alertsOn() {
    try { return window.localStorage.getItem(OPT_IN) === "on"; } catch (e) { return false; }
  }

  function showToggle() {
    var on = alertsOn() && Notification.permission === "granted";
    toggle.textContent = on ? say("alerts_turn_off", "Crisis alerts are on (turn off)") : say("alerts_turn_on", "Turn on crisis alerts");
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function beep() {
    if (!audio) { return; }
    if (audio.state === "suspended") { audio.resume(); }
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    tone.connect(gain); gain.connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.6);
  }

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }

  function alertNewCrises() {
    var now = crisisKeys();
    Object.keys(now).forEach(function (key) {
      if (seen[key]) { return; }
      if (alertsOn() && window.Notification && Notification.permission === "granted") {
        new Notification(say("alert_title", "Crisis words on {line}", { line: now[key].line }), {
          body: say("alert_body", "Conversation #{ref} used crisis words.", { ref: now[key].ref }), tag: key
        });
        beep();
      }
    });
    seen = now;
  }

  if (toggle && window.Notification) {
    toggle.hidden = false;
    showToggle();
    // The browser lets sound start only after a click or key on the page.
    if (alertsOn()) { document.addEventListener("pointerdown", unlockAudio, { once: true }); }
    toggle.addEventListener("click", function () {
      if (alertsOn() && Notification.permission === "granted") {
        window.localStorage.removeItem(OPT_IN);
        note.textContent = say("alerts_off", "Crisis alerts are off in this browser.");
        showToggle();
        return;
      }
      unlockAudio();
      Notification.requestPermission().then(function (answer) {
        if (answer === "granted") {
          window.localStorage.setItem(OPT_IN, "on");
          note.textContent = say("alerts_granted", "This browser will notify you and sound a tone when crisis words come in.");
          beep();
        } else {
          note.textContent = say("alerts_refused", "The browser refused notifications: allow them for this site in its settings.");
        }
        showToggle();
      });
    });
  }
  seen = crisisKeys();

  window.setInterval(tick, 1000);
  window.setTimeout(poll, every);
}());
