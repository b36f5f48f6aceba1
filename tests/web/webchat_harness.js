// Runs the page's scripts (config.js if given, then webchat.js) in a bare window,
// with a stand-in widget, and prints the options the page gives the widget as JSON.
//
//   node webchat_harness.js PAGE_URL SCRIPT...
//
// Used by test_web_page_config.py: what the genuine page does with a crafted link,
// without a browser.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [pageUrl, ...scripts] = process.argv.slice(2);
const page = new URL(pageUrl);
const attributes = {};
let widgetOptions = null;

function element() {
  return {
    open: true,
    textContent: "",
    className: "",
    setAttribute() {},
    appendChild() {},
    querySelectorAll() { return []; },
    classList: { contains() { return false; } },
  };
}

const sandbox = {
  URL,
  URLSearchParams,
  console,
  location: {
    href: page.href,
    search: page.search,
    protocol: page.protocol,
    hostname: page.hostname,
    host: page.host,
  },
  sessionStorage: { getItem() { return null; } },
  matchMedia() { return { matches: false }; },
  WebChat: { default(options) { widgetOptions = options; } },
  MutationObserver: class { observe() {} },   // the stand-in widget renders nothing to watch
  document: {
    readyState: "complete",
    documentElement: { setAttribute(name, value) { attributes[name] = value; } },
    getElementById: element,
    createElement: element,
    querySelector() { return null; },
    querySelectorAll() { return []; },
    addEventListener() {},
  },
};
sandbox.window = sandbox;
vm.createContext(sandbox);
for (const script of scripts) {
  vm.runInContext(fs.readFileSync(script, "utf8"), sandbox, { filename: script });
}
if (!widgetOptions) {
  console.error("the page did not mount the widget");
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  socketUrl: widgetOptions.socketUrl,
  socketPath: widgetOptions.socketPath,
  initPayload: widgetOptions.initPayload,
  dataRasaUrl: attributes["data-rasa-url"],
}));
