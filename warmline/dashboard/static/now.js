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
  var ESCALATIONS = W.escalations || { alerted: "coordinator alerted", "no coordinator": "no coordinator on call" };
  var ROLES = W.roles || {};
  var LANG = document.documentElement.lang || "en";

  // A phrase with {name} fields, or the English fallback when the page gave none.
  function say(key, fallback, fields) {
    var text = W[key] || fallback;
    Object.keys(fields || {}).forEach(function (k) { text = text.split("{" + k + "}").join(fields[k]); });
    return text;
  }

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

  var builders = {
    waiting: function (w) {
      return row([span("ref", "#" + w.ref), w.crisis ? span("flag", say("crisis", "Crisis words")) : null,
                  since(say("waiting", "waiting") + " ", w.since)], w.crisis);
    },
    active: function (a) {
      return row([span("ref", "#" + a.ref), span("who", say("with", "with {name}", { name: a.volunteer })),
                  a.crisis ? span("flag", say("crisis", "Crisis words")) : null, since(say("for", "for") + " ", a.since)], a.crisis);
    },
    on_shift: function (p, line) {
      return row([span("who", p.name), span("role", ROLES[p.role] || p.role),
                  span("state state-" + p.state, STATES[p.state] || p.state),
                  p.role === "coordinator" ? null : span("load", say("load", "{active} of {capacity}", { active: p.active.toLocaleString(LANG), capacity: line.capacity.toLocaleString(LANG) })),
                  span("until", say("until", "until {time}", { time: p.until }))], false);
    },
    next_up: function (s) {
      return row([span("who", s.name), span("role", ROLES[s.role] || s.role),
                  span("until", s.starts + "–" + s.ends)], false);
    },
    opted_out: function (o) {
      return row([span("flag", say("opted_out", "Opted out")),
                  span("until", say("texted", "texted at {time}: offered to no one, replies can't be delivered", { time: o.at }))], false);
    },
    escalations: function (e) {
      return row([span("ref", "#" + e.ref), span("role", ESCALATIONS[e.outcome] || e.outcome),
                  span("until", say("at", "at {time}", { time: e.at }))], false);
    }
  };

  function draw(line) {
    var section = document.querySelector('section.line[data-line-id="' + line.id + '"]');
    if (!section) { return false; }
    Object.keys(builders).forEach(function (part) {
      var list = section.querySelector('[data-part="' + part + '"]');
      var fresh = document.createDocumentFragment();
      line[part].forEach(function (item) { fresh.appendChild(builders[part](item, line)); });
      list.replaceChildren(fresh);
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
        if (!known || data.lines.length !== document.querySelectorAll("section.line").length) {
          window.location.reload();  // a line was added or removed: redraw the whole page
          return;
        }
        tick();
        status.textContent = say("updated", "Updated {time}.", { time: new Date(Date.now() + skew).toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) });
        status.classList.remove("stale");
      })
      .catch(function () {
        status.textContent = say("unreachable", "Cannot reach the server; still trying.");
        status.classList.add("stale");
      })
      .finally(function () { window.setTimeout(poll, every); });
  }

  window.setInterval(tick, 1000);
  window.setTimeout(poll, every);
}());
