/* 政策通 page: which conversation this tab has.
 *
 * The widget keeps the conversation in sessionStorage ("chat_session"), so a reload keeps it. A
 * duplicated tab (the browser's "duplicate", or a link opened in a new tab by some browsers) gets a copy
 * of that storage: both tabs then join the same session room and the copy shows the other tab's answers
 * without their questions. Each tab therefore stores an id of its own ("policy_tab") and, before the
 * widget is mounted, asks the other open tabs of this page (BroadcastChannel) whether one of them has
 * that id; if one answers, this tab is the copy and starts a conversation of its own. A reload finds no
 * other tab with its id (the old page is gone) and keeps its conversation.
 *
 *   window.POLICY_TAB_CHECK      a Promise of true (this tab was a duplicate) or false; webchat.js mounts after it
 *   window.POLICY_SESSION_ID()   the conversation's session id, or "web:<this tab's id>" before Rasa gave one
 */
(function () {
  "use strict";

  var TAB_KEY = "policy_tab";
  var CHAT_KEY = "chat_session";
  var CHANNEL = "policy-tabs";
  var ANSWER_WAIT_MS = 500;   // a busy machine may take a while to answer; only reloads wait (a first visit has no id)

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  /** Whether another open tab answers that it has `id`. */
  function ownedElsewhere(id) {
    if (!id || typeof window.BroadcastChannel !== "function") return Promise.resolve(false);
    return new Promise(function (resolve) {
      var channel = new window.BroadcastChannel(CHANNEL);
      var timer = window.setTimeout(function () { channel.close(); resolve(false); }, ANSWER_WAIT_MS);
      channel.onmessage = function (ev) {
        if (ev.data && ev.data.type === "mine" && ev.data.id === id) {
          window.clearTimeout(timer);
          channel.close();
          resolve(true);
        }
      };
      channel.postMessage({ type: "whose", id: id });
    });
  }

  /** Answer later tabs that ask about this tab's id. */
  function answerOthers(id) {
    if (typeof window.BroadcastChannel !== "function") return;
    var channel = new window.BroadcastChannel(CHANNEL);
    channel.onmessage = function (ev) {
      if (ev.data && ev.data.type === "whose" && ev.data.id === id) channel.postMessage({ type: "mine", id: id });
    };
  }

  var store = storage();
  var tabId = store ? store.getItem(TAB_KEY) : null;

  window.POLICY_TAB_CHECK = ownedElsewhere(tabId).then(function (duplicate) {
    if (duplicate || !tabId) {
      tabId = newId();
      if (store) {
        if (duplicate) {
          // the copy starts afresh: no conversation, no ratings of the other tab's answers
          Object.keys(store).forEach(function (key) { store.removeItem(key); });
        }
        store.setItem(TAB_KEY, tabId);
      }
    }
    answerOthers(tabId);
    return duplicate;
  });

  window.POLICY_SESSION_ID = function () {
    try {
      var session = JSON.parse((store && store.getItem(CHAT_KEY)) || "null");
      if (session && typeof session.session_id === "string" && session.session_id) return session.session_id;
    } catch (e) { /* no conversation yet */ }
    return "web:" + (tabId || newId());
  };
})();
