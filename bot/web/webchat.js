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
 *                composes from the policy database: the cities covered and
 *                example questions, shown in the header (as text only).
 *
 * Conversation state is kept in sessionStorage (survives a reload of the tab).
 */
(function () {
  "use strict";

  var DEFAULT_RASA_PORT = 5005;
  var DEFAULT_INIT_PAYLOAD = "/greet";
  var KNOWN_GREETINGS = ["/greet", "/bot_capability"];

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

  function setStatus(state, text) {
    var el = $("status");
    if (!el) return;
    el.setAttribute("data-state", state);
    el.textContent = text;
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

  /** The header's city list and example questions, from the catalogue (nothing is shown without it). */
  function showCatalogue() {
    var catalogue = window.POLICY_CATALOGUE;
    var cities = catalogue && Array.isArray(catalogue.cities) ? catalogue.cities : [];
    var examples = catalogue && Array.isArray(catalogue.examples) ? catalogue.examples : [];
    var cityLine = $("cities");
    if (cityLine && cities.length) {
      cityLine.textContent = "覆盖城市：" + cities.map(String).join(" · ");
    }
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

  var socketUrl = resolveSocketUrl();
  var webchat = null;          // imperative handle: { sendMessage(payload, text) }
  document.documentElement.setAttribute("data-rasa-url", socketUrl);

  function mount() {
    var root = $("chat");
    showCatalogue();
    if (hasUserMessages()) foldExamplesOnPhone();  // a reload mid-conversation
    if (!window.WebChat || typeof window.WebChat.default !== "function") {
      setStatus("offline", "组件加载失败");
      var p = document.createElement("p");
      p.className = "fallback";
      p.textContent = "对话组件未能加载，请检查网页服务器是否已安装前端依赖（npm ci --prefix bot/web）。";
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
      params: { storage: "session" },
      customMessageDelay: function (message) {
        var delay = (message || "").length * 8;
        return Math.max(250, Math.min(delay, 900));
      },
      onSocketEvent: {
        connect: function () { setStatus("online", "在线"); },
        disconnect: function () { setStatus("offline", "已断开"); },
        connect_error: function () { setStatus("offline", "无法连接"); }
      },
      innerRef: function (handle) { webchat = handle; }
    }, root);
  }

  // Example questions: send the question as if typed.
  document.addEventListener("click", function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest("button.example") : null;
    if (!btn) return;
    var q = (btn.textContent || "").trim();
    if (!q) return;
    if (webchat && typeof webchat.sendMessage === "function") {
      webchat.sendMessage(q, q);
      foldExamplesOnPhone();
    }
  });

  // Fold the examples on phones when the user sends a message or taps a quick reply.
  document.addEventListener("submit", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("rw-sender")) {
      foldExamplesOnPhone();
    }
  }, true);
  document.addEventListener("click", function (ev) {
    if (ev.target && ev.target.closest && ev.target.closest(".rw-reply")) foldExamplesOnPhone();
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
