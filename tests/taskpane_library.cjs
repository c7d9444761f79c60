// Runs the task pane's library script (w13xl/server/project/static/js/w13-bibliotheek.js) under
// Node with a minimal stand-in for the page: elements by id, click handlers, and fetch against the
// real W13 server (BASE) with a test token (TOKEN). Clicks: refresh, type a scenario, save,
// submit; prints the final status line and the list as JSON. Used by tests/test_serve.py.
const fs = require("fs");
const [script, base, token, toml] = process.argv.slice(2);
const elements = {};
function element(id) {
  if (!elements[id]) {
    elements[id] = {
      id, value: "", textContent: "", className: "", innerHTML: "", children: [], listeners: {},
      addEventListener(kind, fn) { this.listeners[kind] = fn; },
      appendChild(child) { this.children.push(child); if (!this.value) this.value = child.value; },
    };
  }
  return elements[id];
}
const ready = [];
global.document = {
  getElementById: (id) => element(id),
  createElement: () => ({ value: "", textContent: "" }),
  addEventListener: (kind, fn) => { if (kind === "DOMContentLoaded") ready.push(fn); },
};
global.window = { w13InsideOffice: true };
global.globalThis.getAuth = async () => ({ token, provider: "entraid" });
const realFetch = global.fetch;
global.fetch = (path, options) => realFetch(base + path, options);
element("w13-bibliotheek");
eval(fs.readFileSync(script, "utf-8"));
const settle = () => new Promise((r) => setTimeout(r, 300));
(async () => {
  ready.forEach((fn) => fn());
  await settle();
  element("w13-bib-naam").value = "uit-taakvenster";
  element("w13-bib-toml").value = toml;
  element("w13-bib-commentaar").value = "via het taakvenster";
  await element("w13-bib-opslaan").listeners.click(); await settle();
  const saved = element("w13-bib-melding").textContent;
  await element("w13-bib-indienen").listeners.click(); await settle();
  const submitted = element("w13-bib-melding").textContent;
  element("w13-bib-lijst").value = "uit-taakvenster";
  await element("w13-bib-openen").listeners.click(); await settle();
  const opened = element("w13-bib-melding").textContent;
  await element("w13-bib-goedkeuren").listeners.click(); await settle();
  const refused = element("w13-bib-melding").textContent;
  console.log(JSON.stringify({ saved, submitted, opened, refused, toml: element("w13-bib-toml").value,
    list: element("w13-bib-lijst").children.map((c) => c.textContent) }));
})();
