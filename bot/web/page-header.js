/* 政策通 page: the header folds to one line once the user has asked something.
 *
 * Before the first question the header shows what the service covers, the documents behind the answers
 * (their age, how many measures expired) and example questions. After it, on every screen, only the top
 * line stays (name, connection state, 人工·12345, 重新开始, 说明): the answers get the screen, and
 * 说明 (aria-expanded) shows the rest again with one tap. The disclaimer stays in the footer.
 */
(function () {
  "use strict";

  var W = window.POLICY_WORDING || {};

  function $(id) { return document.getElementById(id); }

  var state = { collapsed: false };

  function show(expanded) {
    var header = $("intro");
    var more = $("intro-more");
    var toggle = $("intro-toggle");
    if (!header || !more || !toggle) return;
    header.setAttribute("data-collapsed", state.collapsed ? "true" : "false");
    toggle.hidden = !state.collapsed;
    toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
    toggle.textContent = expanded && state.collapsed ? W.introLess : W.introMore;
    more.hidden = !expanded;
  }

  function collapse() {
    if (state.collapsed) return;
    state.collapsed = true;
    show(false);
  }

  function hasUserMessage(list) {
    return !!(list && list.querySelector(".rw-message .rw-client"));
  }

  document.addEventListener("policy:update", function (ev) {
    if (hasUserMessage(ev.detail && ev.detail.list)) collapse();
  });

  document.addEventListener("click", function (ev) {
    var toggle = ev.target && ev.target.closest ? ev.target.closest("#intro-toggle") : null;
    if (!toggle) return;
    var expanded = toggle.getAttribute("aria-expanded") !== "true";
    show(expanded);
  });

  // An example question tapped while the header is open: it is a question, fold the header.
  document.addEventListener("click", function (ev) {
    if (ev.target && ev.target.closest && ev.target.closest("button.example")) collapse();
  });
})();
