/* 政策通 page: what each answer carries, and who said what.
 *
 *   Under every answer (the bot's messages after a question; not the greeting): 满意 / 不满意, stored with
 *   one tap (POST api/ratings: the session, the question, the answer's text and its 查看原文 links; the
 *   page server finds the records those links cite), then an optional reason (POST api/ratings/<id>/reason);
 *   and 复制, which copies the answer's text. Real buttons: Tab reaches them, Enter presses them.
 *   The bar is a sibling placed right after the widget's message group, so the widget's own rendering
 *   (which appends new groups at the end) is not disturbed. What was rated is remembered for the tab.
 *   Speaker labels: every bubble starts with 「政策通：」 or 「您：」 for screen readers (data-speaker,
 *   shown by CSS as visually hidden text).
 *   New-message cue: an answer arriving while the user has scrolled up shows a button that scrolls to it.
 */
(function () {
  "use strict";

  var W = window.POLICY_WORDING || {};
  var RATINGS_URL = "api/ratings";
  var RATED_KEY = "policy_rated";

  function $(id) { return document.getElementById(id); }

  function rated() {
    try { return JSON.parse(window.sessionStorage.getItem(RATED_KEY) || "{}") || {}; } catch (e) { return {}; }
  }

  function remember(index, verdict) {
    var all = rated();
    all[index] = verdict;
    try { window.sessionStorage.setItem(RATED_KEY, JSON.stringify(all)); } catch (e) { /* not kept */ }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data && data.error) || String(response.status));
        return data;
      });
    });
  }

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "answer-tool " + (className || "");
    b.textContent = text;
    return b;
  }

  function answerText(group) {
    return Array.prototype.map.call(group.querySelectorAll(".rw-response"), function (bubble) {
      return (bubble.innerText || bubble.textContent || "").trim();
    }).filter(Boolean).join("\n\n");
  }

  function questionBefore(group) {
    for (var g = group.previousElementSibling; g; g = g.previousElementSibling) {
      if (g.classList.contains("rw-from-client")) {
        var bubbles = g.querySelectorAll(".rw-client");
        return bubbles.length ? (bubbles[bubbles.length - 1].innerText || "").trim() : "";
      }
    }
    return "";
  }

  function sourcesOf(group) {
    return Array.prototype.map.call(group.querySelectorAll("a[href*='/sources/']"), function (a) { return a.href; });
  }

  function say(bar, text) {
    var status = bar.querySelector(".answer-status");
    if (status) status.textContent = text;
  }

  function markChosen(bar, verdict) {
    Array.prototype.forEach.call(bar.querySelectorAll(".rate"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-verdict") === verdict ? "true" : "false");
      b.disabled = true;
    });
  }

  function offerReasons(bar, rating) {
    var box = document.createElement("div");
    box.className = "answer-reasons";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", W.reasonPrompt);
    var label = document.createElement("span");
    label.className = "answer-reasons-label";
    label.textContent = W.reasonPrompt;
    box.appendChild(label);
    W.reasons.forEach(function (reason) {
      var b = button(reason, "reason");
      b.addEventListener("click", function () {
        post(RATINGS_URL + "/" + rating.id + "/reason", { token: rating.token, reason: reason }).then(function () {
          box.remove();
          say(bar, W.reasonSaved);
        }, function () { say(bar, W.rateFailed); });
      });
      box.appendChild(b);
    });
    bar.appendChild(box);
    var first = box.querySelector("button");
    if (first) first.focus();
    box.scrollIntoView({ block: "nearest" });
  }

  function rate(bar, group, verdict) {
    var index = bar.getAttribute("data-answer");
    markChosen(bar, verdict);
    post(RATINGS_URL, {
      session: window.POLICY_SESSION_ID ? window.POLICY_SESSION_ID() : "",
      verdict: verdict,
      question: questionBefore(group),
      answer: answerText(group),
      sources: sourcesOf(group)
    }).then(function (rating) {
      remember(index, verdict);
      say(bar, W.rated);
      if (verdict === W.unsatisfied) offerReasons(bar, rating);
    }, function () {
      Array.prototype.forEach.call(bar.querySelectorAll(".rate"), function (b) {
        b.disabled = false;
        b.setAttribute("aria-pressed", "false");
      });
      say(bar, W.rateFailed);
    });
  }

  function copy(bar, group) {
    var text = answerText(group);
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "copy-buffer";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      say(bar, ok ? W.copied : W.copyFailed);
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      navigator.clipboard.writeText(text).then(function () { say(bar, W.copied); }, fallback);
    } else {
      fallback();
    }
  }

  function toolsFor(group, index) {
    var bar = document.createElement("div");
    bar.className = "answer-tools";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", W.rateGroup);
    bar.setAttribute("data-answer", String(index));
    var good = button(W.satisfied, "rate");
    good.setAttribute("data-verdict", W.satisfied);
    var bad = button(W.unsatisfied, "rate");
    bad.setAttribute("data-verdict", W.unsatisfied);
    var copier = button(W.copy, "copy");
    [good, bad].forEach(function (b) {
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { rate(bar, group, b.getAttribute("data-verdict")); });
    });
    copier.addEventListener("click", function () { copy(bar, group); });
    var status = document.createElement("span");
    status.className = "answer-status";
    status.setAttribute("role", "status");
    bar.appendChild(good);
    bar.appendChild(bad);
    bar.appendChild(copier);
    bar.appendChild(status);
    var before = rated()[index];
    if (before) {
      markChosen(bar, before);
      status.textContent = W.rated;
    }
    return bar;
  }

  /** A rating bar after every answer group that follows a question, once. */
  function addTools(list) {
    var questions = 0;
    Array.prototype.forEach.call(list.children, function (group) {
      if (!group.classList || !group.classList.contains("rw-group-message")) return;
      if (group.classList.contains("rw-from-client")) {
        questions += 1;
        return;
      }
      if (!group.classList.contains("rw-from-response") || questions === 0) return;
      var next = group.nextElementSibling;
      if (next && next.classList.contains("answer-tools")) return;
      group.parentNode.insertBefore(toolsFor(group, questions), next);
    });
  }

  function labelSpeakers(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".rw-response:not([data-speaker])"), function (b) {
      b.setAttribute("data-speaker", W.speakerBot);
    });
    Array.prototype.forEach.call(list.querySelectorAll(".rw-client:not([data-speaker])"), function (b) {
      b.setAttribute("data-speaker", W.speakerUser);
    });
  }

  // ---- the new-message cue ----------------------------------------------------------------------

  var cue = { seen: -1 };

  var SHOWN_BUBBLES = ".rw-message:not(.rw-typing-indication) .rw-response";

  function lastBubbleHidden(list) {
    var bubbles = list.querySelectorAll(SHOWN_BUBBLES);
    if (!bubbles.length) return false;
    var last = bubbles[bubbles.length - 1].getBoundingClientRect();
    return last.top >= list.getBoundingClientRect().bottom - 4;
  }

  function cueButton() {
    var b = $("new-message");
    if (b) return b;
    b = document.createElement("button");
    b.type = "button";
    b.id = "new-message";
    b.className = "new-message-cue";
    b.textContent = W.newMessage;
    b.hidden = true;
    var chat = $("chat");
    if (chat) chat.appendChild(b);
    return b;
  }

  function updateCue(list, userMoved) {
    var count = list.querySelectorAll(SHOWN_BUBBLES).length;
    var b = cueButton();
    if (cue.seen >= 0 && count > cue.seen && userMoved && lastBubbleHidden(list)) b.hidden = false;
    cue.seen = count;
    if (!b.getAttribute("data-wired")) {
      b.setAttribute("data-wired", "true");
      b.addEventListener("click", function () {
        list.scrollTop = list.scrollHeight;
        b.hidden = true;
        list.focus();
      });
      list.addEventListener("scroll", function () {
        if (!lastBubbleHidden(list)) b.hidden = true;
      }, { passive: true });
    }
  }

  document.addEventListener("policy:update", function (ev) {
    var list = ev.detail && ev.detail.list;
    if (!list) return;
    labelSpeakers(list);
    addTools(list);
    updateCue(list, ev.detail.userMoved);
  });
})();
