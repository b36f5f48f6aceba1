/* 政策通 web chat bootstrap.
 *
 * Mounts the rasa-webchat widget (node_modules/rasa-webchat/lib/index.js,
 * served by this project's own server) into <main id="chat"> and connects it
 * to Rasa's socketio channel.
 *
 *   Rasa server: window.POLICY_WEBCHAT_CONFIG.rasaUrl, from config.js, which
 *                serve.py writes from its own configuration (RASA_PUBLIC_URL).
 *                Without config.js: the page's own host on port 5005. Never
 *                from the page's address: a link cannot point the page at
 *                another server.
 *   Greeting:    /greet, sent once per session. ?greet= may only pick another
 *                of KNOWN_GREETINGS; anything else (an intent with entities,
 *                text) is ignored.
 *   Catalogue:   window.POLICY_CATALOGUE, from catalogue.js, which serve.py
 *                composes from the policy database: the cities covered,
 *                example questions and the source documents (how many, of
 *                which years, how many measures expired), shown in the header
 *                (as text only).
 *   Widget:      rasa-webchat 1.0.1 renders quick replies as clickable divs,
 *                an unnamed send button and a message list screen readers do
 *                not announce, and scrolls to the END of each new message.
 *                enhanceWidget() (a MutationObserver on the chat area) puts a
 *                real <button> inside each quick reply (its click bubbles to
 *                the widget's own handler), names the controls, marks the
 *                message list as a polite live region, and scrolls so that
 *                the START of the newest answer (its figure) is in view.
 *
 * Conversation state is kept in sessionStorage (survives a reload of the tab); page-tabs.js decides
 * first whether this tab is a duplicate that must start its own conversation.
 *
 * The other page scripts (page-header.js, page-help.js, page-answers.js) listen to two events on
 * document: "policy:status" (detail.state: connecting, online, offline) and "policy:update" (the
 * widget's DOM changed; detail.list is the message list). Texts come from wording.js.
 */
(function () {
  "use strict";

  var DEFAULT_RASA_PORT = 5005;
  var DEFAULT_INIT_PAYLOAD = "/greet";
  var KNOWN_GREETINGS = ["/greet", "/bot_capability"];
  var QUEUE_AFTER_CONFIRM_MS = 400;   // after session_confirm, the widget sends the greeting first
  var GREETING_WAIT_MS = 8000;        // a queued question waits this long at most for the greeting to show
  var REGREET_AFTER_MS = 800;         // a restored empty conversation: the greeting it lost, if none arrives by then
  var W = window.POLICY_WORDING || { status: {} };

  function $(id) { return document.getElementById(id); }

  function queryParam(name) {
    try {
      return new URLSearchParams(window.location.search).get(name);
    } catch (e) {
      return null;
    }
  }

  /** The origin (scheme://host:port) of an http(s) URL, or null. */
  function httpOrigin(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      var u = new URL(value);
      if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
    } catch (e) { /* not a URL */ }
    return null;
  }

  /** The Rasa server's origin: the page's configuration, else the page's host on port 5005. */
  function resolveSocketUrl() {
    var config = window.POLICY_WEBCHAT_CONFIG;
    var configured = httpOrigin(config && config.rasaUrl);
    if (configured) return configured;
    var loc = window.location;
    var scheme = loc.protocol === "https:" ? "https:" : "http:";
    var host = loc.hostname || "localhost";
    if (host.indexOf(":") !== -1 && host.charAt(0) !== "[") host = "[" + host + "]";
    return scheme + "//" + host + ":" + DEFAULT_RASA_PORT;
  }

  /** The greeting payload: ?greet= only when it names a known greeting, exactly. */
  function resolveInitPayload() {
    var p = queryParam("greet");
    return KNOWN_GREETINGS.indexOf(p) !== -1 ? p : DEFAULT_INIT_PAYLOAD;
  }

  /** Tell the other page scripts (status, widget updates); harmless where there is no DOM events. */
  function announce(name, detail) {
    if (typeof document.dispatchEvent !== "function" || typeof window.CustomEvent !== "function") return;
    document.dispatchEvent(new window.CustomEvent(name, { detail: detail }));
  }

  var connection = { state: "connecting" };

  /** The one place the connection's state is shown: the pill, and the event page-help.js shows the rest from. */
  function setStatus(state, text) {
    connection.state = state;
    var el = $("status");
    if (el) {
      el.setAttribute("data-state", state);
      el.textContent = text || W.status[state] || "";
    }
    announce("policy:status", { state: state });
  }

  function isNarrow() {
    return window.matchMedia && window.matchMedia("(max-width: 699px)").matches;
  }

  /** On a phone, fold the example list away once the user has started talking. */
  function foldExamplesOnPhone() {
    var d = $("examples");
    if (d && isNarrow()) d.open = false;
  }

  /** Whether the stored conversation (session storage) has a user message. */
  function hasUserMessages() {
    try {
      return /"sender":"client"/.test(window.sessionStorage.getItem("chat_session") || "");
    } catch (e) {
      return false;
    }
  }

  /** Whether this tab restores a session whose greeting was sent but nothing shown (sessionStorage at mount). */
  function restoresUnansweredGreeting() {
    try {
      var session = JSON.parse(window.sessionStorage.getItem("chat_session") || "null");
      var sent = !!(session && session.session_id && session.params && session.params.initialized);
      return sent && !(session.conversation && session.conversation.length);
    } catch (e) {
      return false;
    }
  }

  /** The header's city list and example questions, from the catalogue (nothing is shown without it). */
  function showCatalogue() {
    var catalogue = window.POLICY_CATALOGUE;
    var cities = catalogue && Array.isArray(catalogue.cities) ? catalogue.cities : [];
    var examples = catalogue && Array.isArray(catalogue.examples) ? catalogue.examples : [];
    var cityLine = $("cities");
    if (cityLine && cities.length) {
      cityLine.textContent = "覆盖城市：" + cities.map(String).join(" · ");
    }
    showSources(catalogue && catalogue.sources);
    var list = $("example-list");
    var details = $("examples");
    if (!list || !details || !examples.length) return;
    examples.forEach(function (question) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "example";
      button.textContent = String(question);
      item.appendChild(button);
      list.appendChild(item);
    });
    details.hidden = false;
  }

  /** The header's line on the documents behind the answers, and how many measures have expired. */
  function showSources(sources) {
    var line = $("sources");
    var link = $("sources-link");
    var validity = $("validity");
    if (!line || !link || !validity || !sources || typeof sources.summary !== "string") return;
    link.textContent = sources.summary;
    validity.textContent = typeof sources.validity === "string" ? sources.validity : "";
    line.hidden = false;
  }

  // ---- the widget, made accessible ----------------------------------------------------------

  var CONTROL_NAMES = [
    [".rw-new-message", "输入您想咨询的政策问题"],
    [".rw-send", "发送"],
    [".rw-launcher", "打开政策通对话"],
    [".rw-close-button", "关闭对话"],
    [".rw-toggle-fullscreen-button", "全屏"]
  ];
  var SCROLL_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];
  var ANSWER_MARGIN_PX = 8;     // space left above the newest answer's first line

  /** A real button inside the widget's clickable div: its click bubbles to the widget's handler. */
  function buttonizeReply(reply) {
    if (reply.tagName !== "DIV" || reply.querySelector("button.rw-reply-button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "rw-reply-button";
    button.textContent = reply.textContent;
    reply.textContent = "";
    reply.appendChild(button);
  }

  function nameControls(root) {
    CONTROL_NAMES.forEach(function (pair) {
      Array.prototype.forEach.call(root.querySelectorAll(pair[0]), function (el) {
        if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", pair[1]);
        Array.prototype.forEach.call(el.querySelectorAll("svg, img"), function (icon) {
          icon.setAttribute("aria-hidden", "true");
          icon.setAttribute("focusable", "false");
        });
      });
    });
  }

  /** The message list: announced politely, and reachable by keyboard so it can be scrolled. */
  function markMessageList(list) {
    if (list.getAttribute("aria-live") === "polite") return;
    list.setAttribute("role", "log");
    list.setAttribute("aria-live", "polite");
    list.setAttribute("aria-relevant", "additions");
    list.setAttribute("aria-label", "对话记录");
    list.setAttribute("tabindex", "0");
  }

  function messageList() {
    return document.querySelector("#chat .rw-messages-container");
  }

  /** The first bubble of the bot's newest answer: the bot's messages after the user's last one. */
  function newestAnswerStart(list) {
    var messages = list.querySelectorAll(".rw-message");
    var start = null;
    for (var i = messages.length - 1; i >= 0; i--) {
      var message = messages[i];
      if (message.querySelector(".rw-client")) break;
      if (!message.classList.contains("rw-typing-indication")) start = message;
    }
    return start;
  }

  function clientMessageCount(list) {
    return list.querySelectorAll(".rw-message .rw-client").length;
  }

  // The widget scrolls its list to the bottom after every update, so a long answer would show its
  // end. After each update (the observer runs after the widget's own scrolling) the list is scrolled
  // back so the newest answer's first line is at the top, unless the whole answer fits anyway or
  // the user has scrolled since the question was sent.
  // A user who scrolls to read above keeps that place: the widget's own scroll to the end is undone (the
  // position of the user's last scroll is kept), and page-answers.js shows a cue for the new answer below.
  var scroll = { userMoved: false, clientMessages: -1, inputAt: 0, keep: null };
  var USER_SCROLL_MS = 1000;    // a scroll this soon after the user's wheel, touch or key is the user's

  function showNewestAnswerStart(list) {
    var clients = clientMessageCount(list);
    if (clients !== scroll.clientMessages) {   // the user sent a message: follow the answer again
      scroll.clientMessages = clients;
      scroll.userMoved = false;
      scroll.keep = null;
    }
    if (scroll.userMoved) {
      if (scroll.keep !== null && Math.abs(list.scrollTop - scroll.keep) > 1) list.scrollTop = scroll.keep;
      return;
    }
    var start = newestAnswerStart(list);
    if (!start) return;
    var offset = start.getBoundingClientRect().top - list.getBoundingClientRect().top;
    var wanted = Math.max(0, list.scrollTop + offset - ANSWER_MARGIN_PX);
    var target = Math.min(wanted, list.scrollHeight - list.clientHeight);
    if (Math.abs(list.scrollTop - target) > 1) list.scrollTop = target;
  }

  function watchUserScrolling(list) {
    if (list.getAttribute("data-scroll-watched")) return;
    list.setAttribute("data-scroll-watched", "true");
    function moved() {
      scroll.userMoved = true;
      scroll.inputAt = Date.now();
    }
    list.addEventListener("scroll", function () {
      if (Date.now() - scroll.inputAt > USER_SCROLL_MS) return;   // the widget's scrolling, or ours
      var atEnd = list.scrollHeight - list.clientHeight - list.scrollTop <= 4;
      scroll.keep = atEnd ? null : list.scrollTop;
      if (atEnd) scroll.userMoved = false;                         // back at the end: follow again
    }, { passive: true });
    list.addEventListener("wheel", moved, { passive: true });
    list.addEventListener("touchstart", moved, { passive: true });
    list.addEventListener("mousedown", moved);
    list.addEventListener("focusin", moved);   // tabbing to a button scrolls it into view: keep that
    list.addEventListener("keydown", function (ev) {
      if (SCROLL_KEYS.indexOf(ev.key) !== -1) moved();
    });
  }

  function enhanceWidget(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".rw-replies .rw-reply"), buttonizeReply);
    nameControls(root);
    var list = messageList();
    if (list) {
      markMessageList(list);
      watchUserScrolling(list);
      showNewestAnswerStart(list);
      announce("policy:update", { list: list, userMoved: scroll.userMoved });
    }
  }

  function observeWidget(root) {
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      // A microtask: after the widget's own commit and scrolling, before the next paint.
      Promise.resolve().then(function () {
        pending = false;
        enhanceWidget(root);
      });
    }).observe(root, { childList: true, subtree: true, characterData: true });
  }

  var socketUrl = resolveSocketUrl();
  var webchat = null;          // imperative handle: { sendMessage(payload, text) }
  document.documentElement.setAttribute("data-rasa-url", socketUrl);

  /** "14:05": the time shown under each message (rasa-webchat's showMessageDate). */
  function messageTime(timestamp) {
    var d = new Date(timestamp);
    if (isNaN(d.getTime())) return "";
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes());
  }

  // A question tapped before the socket is connected waits here (one: the last tapped) and is sent once,
  // after the session is confirmed and the widget has sent its greeting. rasa-webchat's own sendMessage
  // before a session both emits on the socket's buffer and keeps the message to send again, so the
  // question was answered twice.
  var queued = { question: null, timer: null };

  function showQueued() {
    var note = $("queued");
    if (!note) return;
    note.hidden = !queued.question;
    note.textContent = queued.question ? (W.queued || "") + queued.question : "";
  }

  function sendQuestion(question) {
    if (connection.state === "online" && connection.confirmed && webchat && typeof webchat.sendMessage === "function") {
      webchat.sendMessage(question, question);
    } else {
      queued.question = question;
    }
    showQueued();
  }

  /** Whether the bot has shown something (the greeting, or a restored conversation). */
  function botHasSpoken() {
    return !!document.querySelector("#chat .rw-messages-container .rw-message:not(.rw-typing-indication) .rw-response");
  }

  function sendQueuedSoon() {
    if (queued.timer) window.clearTimeout(queued.timer);
    var waited = 0;
    function attempt() {
      queued.timer = null;
      var question = queued.question;
      if (!question || connection.state !== "online" || !connection.confirmed || !webchat) return;
      if (!botHasSpoken() && waited < GREETING_WAIT_MS) {   // the greeting is shown first
        waited += QUEUE_AFTER_CONFIRM_MS;
        queued.timer = window.setTimeout(attempt, QUEUE_AFTER_CONFIRM_MS);
        return;
      }
      queued.question = null;
      showQueued();
      webchat.sendMessage(question, question);
    }
    queued.timer = window.setTimeout(attempt, QUEUE_AFTER_CONFIRM_MS);
  }

  // A page reloaded (or navigated) right after the greeting was sent, before it arrived, restores a
  // session marked greeted whose greeting went to a page that is gone: rasa-webchat greets only a new
  // session, so the conversation would stay empty. Such a tab asks for the greeting again ("init": only
  // while the conversation is still empty).
  var regreet = { wanted: false, timer: null };

  function regreetSoon() {
    if (!regreet.wanted) return;
    if (regreet.timer) window.clearTimeout(regreet.timer);
    regreet.timer = window.setTimeout(function () {
      regreet.timer = null;
      if (!regreet.wanted || !connection.confirmed || !webchat || typeof webchat.sendMessage !== "function") return;
      regreet.wanted = false;
      if (!botHasSpoken() && !hasUserMessages()) webchat.sendMessage(resolveInitPayload(), "", "init");
    }, REGREET_AFTER_MS);
  }

  function mount() {
    var root = $("chat");
    regreet.wanted = restoresUnansweredGreeting();
    showCatalogue();
    if (hasUserMessages()) foldExamplesOnPhone();  // a reload mid-conversation
    if (!window.WebChat || typeof window.WebChat.default !== "function") {
      setStatus("offline", W.status.widgetMissing);
      var p = document.createElement("p");
      p.className = "fallback";
      p.textContent = W.widgetMissing || "";
      root.appendChild(p);
      return;
    }

    window.WebChat.default({
      socketUrl: socketUrl,
      socketPath: "/socket.io/",
      customData: { language: "zh" },
      initPayload: resolveInitPayload(),
      embedded: true,
      withRules: false,
      title: "政策通",
      subtitle: "惠企政策咨询",
      inputTextFieldHint: "请输入您想咨询的政策问题",
      connectingText: "正在连接政策通服务…",
      hideWhenNotConnected: false,
      showFullScreenButton: false,
      showCloseButton: false,
      docViewer: false,             // it would open documents via a third-party viewer
      displayUnreadCount: false,
      showMessageDate: messageTime,
      params: { storage: "session" },
      customMessageDelay: function (message) {
        var delay = (message || "").length * 8;
        return Math.max(250, Math.min(delay, 900));
      },
      onSocketEvent: {
        connect: function () { setStatus("online"); },
        session_confirm: function () { connection.confirmed = true; regreetSoon(); sendQueuedSoon(); },
        disconnect: function () { connection.confirmed = false; setStatus("offline"); },
        connect_error: function () { connection.confirmed = false; setStatus("offline"); }
      },
      innerRef: function (handle) { webchat = handle; }
    }, root);
    observeWidget(root);
    enhanceWidget(root);
  }

  // Example questions: send the question as if typed.
  document.addEventListener("click", function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest("button.example") : null;
    if (!btn) return;
    var q = (btn.textContent || "").trim();
    if (!q) return;
    sendQuestion(q);
    foldExamplesOnPhone();
  });

  // Fold the examples on phones when the user sends a message or taps a quick reply.
  document.addEventListener("submit", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("rw-sender")) {
      foldExamplesOnPhone();
    }
  }, true);
  document.addEventListener("click", function (ev) {
    var reply = ev.target && ev.target.closest ? ev.target.closest(".rw-reply") : null;
    if (!reply) return;
    foldExamplesOnPhone();
    // A quick reply chosen from the keyboard (a click with no pointer: detail 0) disappears with
    // its buttons: give the focus to the input box rather than losing it to the page.
    if (ev.detail === 0) {
      window.setTimeout(function () {
        var input = document.querySelector("#chat .rw-new-message");
        if (input && (!document.activeElement || document.activeElement === document.body)) input.focus();
      }, 0);
    }
  }, true);

  /** Mount once page-tabs.js has decided whether this tab keeps the stored conversation. */
  function start() {
    var check = window.POLICY_TAB_CHECK;
    if (check && typeof check.then === "function") {
      check.then(mount, mount);
    } else {
      mount();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
