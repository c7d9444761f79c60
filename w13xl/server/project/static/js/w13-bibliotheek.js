// w13xl: the scenario library in the task pane (list, open, save, submit, approve).
// Talks to /w13/bibliotheek/... on this server with the same sign-in as the functions
// (globalThis.getAuth from xlwings Server: the Entra ID token, or nothing in anonymous mode).
(function () {
  const API = "/w13/bibliotheek";
  const $ = (id) => document.getElementById(id);

  async function call(method, path, body) {
    const auth = typeof globalThis.getAuth === "function" ? await globalThis.getAuth() : { token: "", provider: "" };
    const headers = { "Content-Type": "application/json" };
    if (auth.token) {
      headers.Authorization = auth.token;
      headers["Auth-Provider"] = auth.provider;
    }
    const response = await fetch(API + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    let data = null;
    try { data = await response.json(); } catch (e) { data = { fout: await response.text() }; }
    if (!response.ok) throw new Error((data && data.fout) || `fout ${response.status}`);
    return data;
  }

  function say(text, ok) {
    const box = $("w13-bib-melding");
    box.textContent = text;
    box.className = "small mt-2 " + (ok ? "text-success" : "text-danger");
  }

  async function refresh() {
    const list = $("w13-bib-lijst");
    list.innerHTML = "";
    const { scenarios } = await call("GET", "/scenarios");
    for (const s of scenarios) {
      const option = document.createElement("option");
      option.value = s.naam;
      option.textContent = `${s.naam}: v${s.laatste_versie} ${s.status}` +
        (s.goedgekeurde_versie ? ` (goedgekeurd: v${s.goedgekeurde_versie})` : "");
      list.appendChild(option);
    }
  }

  async function open() {
    const name = $("w13-bib-lijst").value;
    if (!name) return say("Kies een scenario in de lijst.", false);
    const { versies } = await call("GET", `/scenarios/${encodeURIComponent(name)}`);
    const latest = versies[versies.length - 1];
    const version = await call("GET", `/scenarios/${encodeURIComponent(name)}/versies/${latest.versie}`);
    $("w13-bib-naam").value = name;
    $("w13-bib-toml").value = version.toml;
    $("w13-bib-versie").value = String(version.versie);
    say(`${name}@${version.versie} geopend (${version.status}, ${version.auteur}). In een cel: ` +
        `=W13.SCENARIO(...;"${name}") gebruikt de laatste goedgekeurde versie, "${name}@${version.versie}" deze.`, true);
  }

  async function save() {
    const name = $("w13-bib-naam").value.trim();
    const basedOn = $("w13-bib-versie").value;
    const saved = await call("POST", `/scenarios/${encodeURIComponent(name)}`, {
      toml: $("w13-bib-toml").value, commentaar: $("w13-bib-commentaar").value,
      gebaseerd_op: basedOn ? Number(basedOn) : null,
    });
    $("w13-bib-versie").value = String(saved.versie);
    say(`Opgeslagen als ${name}@${saved.versie} (concept).`, true);
    await refresh();
  }

  async function submit() {
    const name = $("w13-bib-naam").value.trim();
    const version = $("w13-bib-versie").value;
    await call("POST", `/scenarios/${encodeURIComponent(name)}/versies/${version}/indienen`);
    say(`${name}@${version} ingediend (nagezien).`, true);
    await refresh();
  }

  async function approve() {
    const name = $("w13-bib-naam").value.trim();
    const version = $("w13-bib-versie").value;
    const done = await call("POST", `/scenarios/${encodeURIComponent(name)}/versies/${version}/goedkeuren`, {
      besluit_datum: $("w13-bib-besluitdatum").value, besluit_referentie: $("w13-bib-besluitref").value,
    });
    say(`${name}@${version} goedgekeurd door de raad van bestuur op ${done.besluit_datum} (${done.besluit_referentie}).`, true);
    await refresh();
  }

  function guarded(action) {
    return () => action().catch((error) => say(error.message, false));
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!$("w13-bibliotheek")) return;
    $("w13-bib-vernieuwen").addEventListener("click", guarded(refresh));
    $("w13-bib-openen").addEventListener("click", guarded(open));
    $("w13-bib-opslaan").addEventListener("click", guarded(save));
    $("w13-bib-indienen").addEventListener("click", guarded(submit));
    $("w13-bib-goedkeuren").addEventListener("click", guarded(approve));
    if (window.w13InsideOffice !== false) guarded(refresh)();
  });
})();
