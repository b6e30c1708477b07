// The training simulator: redraws each simulated phone's screen from training.json, as text
// only (never HTML from the server), so replies appear without a reload.
(function () {
  "use strict";
  var status = document.getElementById("training-status");
  if (!status) { return; }
  var url = status.getAttribute("data-poll-url");
  var every = parseInt(status.getAttribute("data-poll-ms"), 10) || 1500;
  var last = "";
  // The page's words in its language, from the template (English if they are missing).
  var source = document.getElementById("training-words");
  var words = source ? JSON.parse(source.textContent) : {};
  var SENT = words.sent || " · sent";
  var QUIET = words.quiet || "No texts yet.";

  function bubble(text) {
    var li = document.createElement("li");
    li.className = "bubble " + (text.direction === "sent" ? "sent" : "received");
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = text.body;
    var at = document.createElement("span");
    at.className = "at";
    at.textContent = text.at + (text.direction === "sent" ? SENT : "");
    li.appendChild(body);
    li.appendChild(at);
    return li;
  }

  function draw(data) {
    data.phones.forEach(function (phone) {
      var screen = document.querySelector('ol.screen[data-phone="' + phone.key + '"]');
      if (!screen) { return; }
      var items = phone.texts.map(bubble);
      if (items.length === 0) {
        var quiet = document.createElement("li");
        quiet.className = "quiet";
        quiet.textContent = QUIET;
        items = [quiet];
      }
      screen.replaceChildren.apply(screen, items);
      screen.scrollTop = screen.scrollHeight;
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (text) {
        if (text !== last) {
          last = text;
          draw(JSON.parse(text));
        }
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  document.querySelectorAll("ol.screen").forEach(function (screen) {
    screen.scrollTop = screen.scrollHeight;
  });
  window.setTimeout(poll, every);
})();
