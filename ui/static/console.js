// callcard console: live caller cards over Server-Sent Events.
// No build step, no inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  var csrf = "";
  var texts = {};

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function request(url, options) {
    options = options || {};
    options.headers = Object.assign({ "X-Requested-With": "fetch", "X-CSRF-Token": csrf }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (resp) {
      if (resp.status === 401) { window.location = "/login?next=/"; throw new Error("signed out"); }
      return resp.text().then(function (body) {
        if (!resp.ok) {
          var msg = body;
          try { msg = JSON.parse(body).error || body; } catch (e) { /* plain text */ }
          throw new Error(msg);
        }
        return body;
      });
    });
  }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  // Cards on screen, by call id.
  function cardEl(id) { return $('[data-card="' + id + '"]'); }

  function showEmpty() {
    var stack = $("[data-stack]");
    var empty = $("[data-empty]", stack);
    if (empty) { empty.hidden = $all("[data-card]", stack).length > 0; }
  }

  function loadCard(id, where) {
    return request("/console/cards/" + encodeURIComponent(id)).then(function (html) {
      var el = fragment(html);
      var old = cardEl(id);
      if (old) { old.replaceWith(el); } else if (where === "reopen") {
        var box = $("[data-reopened]");
        box.innerHTML = "";
        box.appendChild(el);
        el.focus();
      } else {
        $("[data-stack]").prepend(el);
        el.classList.add("new");
        el.focus();
      }
      showEmpty();
      return el;
    });
  }

  // One reload of today's calls at a time: events that arrive while one is
  // on its way ask for a single reload after it, not one each.
  var todayLoading = null, todayAgain = false;
  function refreshToday() {
    if (todayLoading) {
      todayAgain = true;
      return todayLoading;
    }
    todayLoading = request("/console/calls").then(function (html) {
      $("[data-today]").innerHTML = html;
    }).finally(function () {
      todayLoading = null;
      if (todayAgain) {
        todayAgain = false;
        refreshToday();
      }
    });
    return todayLoading;
  }

  function beep() {
    var box = $("[data-sound]");
    if (!box || !box.checked) { return; }
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio: the visual cue remains */ }
  }

  function onCallEvent(ev) {
    var data = JSON.parse(ev.data);
    var id = data.call_id;
    switch (data.event) {
      case "ringing":
        if (!cardEl(id)) { loadCard(id).then(beep); }
        break;
      case "taken":
      case "answered":
        if (cardEl(id)) { loadCard(id); }
        break;
      case "ended":
      case "missed":
        // Whoever took the call keeps its card to finish notes; other
        // screens move it to today's calls.
        var ended = $("[data-stack] " + '[data-card="' + id + '"]');
        if (ended && ended.getAttribute("data-mine") === "true") { loadCard(id); } else if (ended) { ended.remove(); showEmpty(); }
        break;
      case "handled":
        var done = $("[data-stack] " + '[data-card="' + id + '"]');
        if (done) { done.remove(); showEmpty(); }
        break;
    }
    refreshToday();
  }

  // The stream starts after the newest event the page was rendered with, so
  // events of the moments in between are not missed. The browser reconnects
  // by itself after a dropped connection, resuming with Last-Event-ID, but
  // gives up for good when the server answers with an error: a sign-in that
  // expired or was revoked (401), or a restart behind a proxy (502, 503).
  // A console left open all day must not go quiet without a word, so after
  // that it checks the sign-in (a 401 goes to the sign-in page) and connects
  // again, from the last event it saw.
  var eventsURL = "/api/v1/events", lastEventId = "", retryDelay = 0;

  function connect() {
    var status = $("[data-live-status]");
    var url = eventsURL + (lastEventId ? "?last_event_id=" + encodeURIComponent(lastEventId) : "");
    var source = new EventSource(url);
    source.addEventListener("open", function () {
      retryDelay = 0;
      status.textContent = texts.live;
      status.classList.add("on");
    });
    source.addEventListener("error", function () {
      status.textContent = texts.offline;
      status.classList.remove("on");
      if (source.readyState !== EventSource.CLOSED) { return; }
      retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, 30000);
      setTimeout(function retry() {
        refreshToday().then(connect, function () {
          retryDelay = Math.min(retryDelay * 2, 30000);
          setTimeout(retry, retryDelay);
        });
      }, retryDelay);
    });
    source.addEventListener("call", function (ev) {
      if (ev.lastEventId) { lastEventId = ev.lastEventId; }
      onCallEvent(ev);
    });
  }

  // Every card form posts in place and swaps in the card the server returns.
  function onSubmit(e) {
    var form = e.target;
    if (!form.matches("[data-action]")) { return; }
    e.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (e.submitter && e.submitter.name) { body.set(e.submitter.name, e.submitter.value); }
    var card = form.closest("[data-card]");
    request(form.action, { method: "POST", body: body }).then(function (html) {
      var el = fragment(html);
      if (card) { card.replaceWith(el); }
      var flash = $(".flash", el);
      if (flash) { flash.focus && flash.setAttribute("tabindex", "-1"); }
      refreshToday();
    }).catch(function (err) {
      var p = $(".form-error", form) || document.createElement("p");
      p.className = "form-error";
      p.setAttribute("role", "alert");
      p.textContent = err.message;
      form.appendChild(p);
    });
  }

  function onClick(e) {
    var open = e.target.closest("[data-open-card]");
    if (open) {
      e.preventDefault();
      loadCard(open.getAttribute("data-open-card"), "reopen");
      return;
    }
    var choose = e.target.closest("[data-choose]");
    if (choose) {
      e.preventDefault();
      var id = choose.getAttribute("data-choose");
      request("/console/cards/" + id + "?candidate=" + choose.getAttribute("data-candidate")).then(function (html) {
        cardEl(id).replaceWith(fragment(html));
      });
    }
  }

  // Company autocomplete for the quick-add form.
  var suggestTimer = null;
  function onInput(e) {
    var input = e.target;
    if (!input.matches("[data-org-suggest]")) { return; }
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      request("/console/organisations?q=" + encodeURIComponent(input.value), { headers: { "Accept": "application/json" } })
        .then(function (body) {
          var list = document.getElementById(input.getAttribute("list"));
          list.innerHTML = "";
          JSON.parse(body).forEach(function (name) {
            var o = document.createElement("option");
            o.value = name;
            list.appendChild(o);
          });
        });
    }, 150);
  }

  // Keyboard: T take, N note, C callback, H handled on the newest card.
  function onKey(e) {
    if (e.target.matches("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) {
      if (e.key === "Escape") { e.target.blur(); }
      return;
    }
    var card = document.activeElement && document.activeElement.closest("[data-card]") || $("[data-stack] [data-card]") || $("[data-reopened] [data-card]");
    if (!card) { return; }
    var key = e.key.toLowerCase();
    var target = $('[data-key="' + key + '"]', card);
    if (!target) { return; }
    e.preventDefault();
    if (target.tagName === "BUTTON") { target.click(); } else { target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var meta = $('meta[name="csrf-token"]');
    csrf = meta ? meta.content : "";
    var consoleEl = $(".console");
    if (!consoleEl) { return; }
    var status = $("[data-live-status]");
    texts = { live: status.getAttribute("data-text-live") || "live", offline: status.getAttribute("data-text-offline") || "…" };
    document.addEventListener("submit", onSubmit);
    document.addEventListener("click", onClick);
    document.addEventListener("input", onInput);
    document.addEventListener("keydown", onKey);
    // Cards of calls under way when the page was rendered, oldest first so
    // the newest ends on top; then the live stream.
    var open = (consoleEl.getAttribute("data-open") || "").split(" ").filter(Boolean);
    lastEventId = consoleEl.getAttribute("data-last-event-id") || "";
    open.reduce(function (done, id) {
      return done.then(function () { return loadCard(id).catch(function () { /* gone since: skip it */ }); });
    }, Promise.resolve()).then(connect);
  });
})();
