/* 政策通 page: a person always at hand, and one offline state.
 *
 *   人工·12345   opens a dialog with every city's 12345 hotline as a tel: link (catalogue.js "hotlines",
 *               from cities.yml) and a message form posted to the page server (POST api/messages,
 *               stored in the policy database by policy_db/messages.py), so it works while Rasa is down.
 *               The form says why a phone number is asked, who sees it and how long it is kept
 *               (config.js "messageRetentionDays").
 *   重新开始     forgets this tab's conversation and reloads: a new session, a new greeting.
 *   offline      when the socket cannot connect or drops, the status pill says 未连接 and, in place of the
 *               input box, one notice offers the hotline and the message form (no dead input).
 */
(function () {
  "use strict";

  var W = window.POLICY_WORDING || {};
  var MESSAGES_URL = "api/messages";

  function $(id) { return document.getElementById(id); }

  function catalogue() { return window.POLICY_CATALOGUE || {}; }

  function config() { return window.POLICY_WEBCHAT_CONFIG || {}; }

  function fillHotlines() {
    var list = $("hotline-list");
    var select = $("message-city");
    var hotlines = Array.isArray(catalogue().hotlines) ? catalogue().hotlines : [];
    if (list) {
      list.textContent = "";
      hotlines.forEach(function (line) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.className = "hotline";
        link.href = "tel:" + String(line.number).replace(/[^0-9+]/g, "");
        link.textContent = W.hotlineItem(String(line.city), String(line.number));
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!hotlines.length) {
        var none = document.createElement("li");
        none.textContent = W.noHotlines;
        list.appendChild(none);
      }
    }
    if (select) {
      hotlines.forEach(function (line) {
        var option = document.createElement("option");
        option.value = String(line.city);
        option.textContent = String(line.city);
        select.appendChild(option);
      });
    }
    var notice = $("privacy-notice");
    if (notice) notice.textContent = W.privacy(config().messageRetentionDays);
  }

  var opener = null;

  // The dialog is opened with show(), not showModal(), and laid over the page by CSS: axe-core cannot
  // measure the contrast of text in the browser's top layer, where showModal() puts it. Escape closes it.
  function openHelp(part, from) {
    var dialog = $("help");
    if (!dialog || typeof dialog.show !== "function") return;
    opener = from || document.activeElement;
    if (!dialog.open) dialog.show();
    var target = part === "message" ? $("message-question") : dialog.querySelector("a.hotline") || $("help-close");
    if (target) target.focus();
  }

  function closeHelp() {
    var dialog = $("help");
    if (dialog && dialog.open) dialog.close();
  }

  function restart() {
    try {
      var keep = window.sessionStorage.getItem("policy_tab");
      window.sessionStorage.clear();
      if (keep) window.sessionStorage.setItem("policy_tab", keep);
    } catch (e) { /* nothing stored */ }
    window.location.reload();
  }

  /** Offline: the notice takes the input box's place; online: the input box is back. */
  function showConnection(state) {
    var offline = $("offline");
    var page = document.querySelector(".page");
    if (!offline || !page) return;
    var isOffline = state === "offline";
    offline.hidden = !isOffline;
    page.setAttribute("data-connection", state);
    var text = $("offline-text");
    if (text) text.textContent = isOffline ? W.offline : "";
  }

  function lastAnswer() {
    var bubbles = document.querySelectorAll("#chat .rw-from-response .rw-response");
    return bubbles.length ? (bubbles[bubbles.length - 1].innerText || "").trim().slice(0, 1000) : "";
  }

  function submitMessage(form) {
    var result = $("message-result");
    var question = $("message-question").value.trim();
    if (!question) {
      result.textContent = W.messageEmpty;
      $("message-question").focus();
      return;
    }
    var body = {
      session: window.POLICY_SESSION_ID ? window.POLICY_SESSION_ID() : "",
      question: question,
      phone: $("message-phone").value.trim(),
      city: $("message-city").value,
      lastAnswer: lastAnswer()
    };
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(MESSAGES_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (answer.ok) {
        result.textContent = W.messageSent(answer.data.id);
        form.reset();
      } else {
        result.textContent = (answer.data && answer.data.error) || W.messageFailed;
      }
    }).catch(function () {
      result.textContent = W.messageFailed;
    }).then(function () {
      button.disabled = false;
    });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target && ev.target.closest ? ev.target : null;
    if (!target) return;
    if (target.closest("#help-open")) openHelp("hotlines", target.closest("#help-open"));
    else if (target.closest("#help-close")) closeHelp();
    else if (target.closest("#restart")) restart();
    else if (target.closest("[data-help]")) {
      var button = target.closest("[data-help]");
      openHelp(button.getAttribute("data-help"), button);
    }
  });

  document.addEventListener("submit", function (ev) {
    if (ev.target && ev.target.id === "message-form") {
      ev.preventDefault();
      submitMessage(ev.target);
    }
  });

  document.addEventListener("policy:status", function (ev) {
    showConnection(ev.detail && ev.detail.state);
  });

  var dialog = $("help");
  if (dialog) {
    dialog.addEventListener("close", function () {
      if (opener && typeof opener.focus === "function") opener.focus();
    });
    dialog.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        closeHelp();
      }
    });
  }
  fillHotlines();
})();
