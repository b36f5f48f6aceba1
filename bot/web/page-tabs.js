/* 政策通 page: which conversation this tab has.
 *
 * The widget keeps the conversation in sessionStorage ("chat_session"), so a reload keeps it. A
 * duplicated tab (the browser's "duplicate", or a link opened in a new tab by some browsers) gets a copy
 * of that storage: both tabs would then join the same session room and the copy would show the other
 * tab's answers without their questions.
 *
 * Each tab therefore stores an id of its own ("policy_tab"), and when its page goes away (a reload, a
 * navigation) it writes that id as "policy_leaving". A page that finds its stored id in "policy_leaving"
 * is the same tab coming back and keeps the conversation; a page that finds a stored id but no matching
 * "policy_leaving" got its storage from a tab that is still open, so it is a copy and starts a
 * conversation of its own. The decision is made from storage alone, at once: no other tab needs to
 * answer, so a busy machine or a throttled background tab cannot change it. (A tab restored after a
 * crash, whose page never went away cleanly, starts afresh too.)
 *
 *   window.POLICY_TAB_CHECK      a Promise of true (this tab was a duplicate) or false; webchat.js mounts after it
 *   window.POLICY_SESSION_ID()   the conversation's session id, or "web:<this tab's id>" before Rasa gave one
 */
(function () {
  "use strict";

  var TAB_KEY = "policy_tab";
  var LEAVING_KEY = "policy_leaving";
  var CHAT_KEY = "chat_session";

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

  var store = storage();
  var tabId = store ? store.getItem(TAB_KEY) : null;
  var leaving = store ? store.getItem(LEAVING_KEY) : null;
  var duplicate = !!tabId && leaving !== tabId;

  if (store) {
    if (duplicate) {
      // the copy starts afresh: no conversation, no ratings of the other tab's answers
      Object.keys(store).forEach(function (key) { store.removeItem(key); });
    }
    store.removeItem(LEAVING_KEY);
  }
  if (!tabId || duplicate) {
    tabId = newId();
    if (store) store.setItem(TAB_KEY, tabId);
  }

  // the page goes away: a page of this tab that loads next is the same tab. Back from the back-forward
  // cache, the page is open again, so a copy made of it from now on must not look like this tab.
  window.addEventListener("pagehide", function () {
    if (store) store.setItem(LEAVING_KEY, tabId);
  });
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && store) store.removeItem(LEAVING_KEY);
  });

  window.POLICY_TAB_CHECK = Promise.resolve(duplicate);

  window.POLICY_SESSION_ID = function () {
    try {
      var session = JSON.parse((store && store.getItem(CHAT_KEY)) || "null");
      if (session && typeof session.session_id === "string" && session.session_id) return session.session_id;
    } catch (e) { /* no conversation yet */ }
    return "web:" + (tabId || newId());
  };
})();
