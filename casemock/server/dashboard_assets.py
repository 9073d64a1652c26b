"""The dashboard's inline style sheet and refresh script (the page fetches nothing from
elsewhere). The script polls ``?format=json&version=V`` every ``REFRESH_MS`` and swaps in
the new content when the version changed; it pauses while the tab is hidden, while the
user types in a field of the page, and on the Pause button.
"""

from __future__ import annotations

REFRESH_MS = 2000

CSS = """
:root { color-scheme: light; --line: #d8dde3; --muted: #5f6b7a; --accent: #0b6bcb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d2733; background: #f5f7fa; }
header { display: flex; align-items: baseline; gap: 1em; padding: .7em 1.5em;
         background: #1d2733; color: #fff; }
header .brand { font-weight: 700; font-size: 1.2em; }
header .sub { color: #b9c4d0; }
header code { color: #fff; }
header .live { margin-left: auto; color: #b9c4d0; font-size: .9em; }
header button { font: inherit; padding: .1em .7em; border-radius: 4px;
                border: 1px solid #56657a; background: #2c3a4b; color: #fff; cursor: pointer; }
main { padding: 1em 1.5em 3em; max-width: 1400px; }
nav.regions { display: flex; align-items: center; gap: .8em; flex-wrap: wrap; }
nav.regions > span { color: var(--muted); }
nav.regions ul { display: flex; gap: .4em; list-style: none; margin: 0; padding: 0;
                 flex-wrap: wrap; }
nav.regions li a { display: inline-block; padding: .15em .7em; border-radius: 999px;
                   border: 1px solid var(--line); background: #fff; text-decoration: none; }
nav.regions li.current a { background: var(--accent); border-color: var(--accent);
                           color: #fff; }
.crumbs { margin: 1em 0 .2em; font-size: 1.05em; }
.ids { color: var(--muted); margin: .2em 0 1em; }
h2 { font-size: 1.05em; margin: .8em 0 .3em; }
nav.jump { margin: .3em 0 .8em; color: var(--muted); }
nav.jump a.has-errors { color: #b42318; font-weight: 600; }
h2.case-title { font-size: 1.3em; margin-top: .6em; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px;
          padding: .2em 1em 1em; margin: 1em 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
caption { color: var(--muted); padding: .2em 0 .4em; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em;
         border-bottom: 1px solid var(--line); }
th { background: #eef2f6; font-weight: 600; white-space: nowrap; }
td { max-width: 40em; overflow-wrap: anywhere; }
tbody tr:nth-child(even) { background: #fafbfc; }
tr.error td { background: #fdecec; color: #8a1c1c; }
a { color: var(--accent); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
form.filter { display: flex; gap: .5em; margin: .6em 0; }
form.filter input { flex: 0 1 28em; font: inherit; padding: .3em .6em;
                    border: 1px solid var(--line); border-radius: 4px; }
form.filter button { font: inherit; padding: .3em .9em; border-radius: 4px;
                     border: 1px solid var(--accent); background: var(--accent); color: #fff; }
.pager a { margin-right: 1em; }
.notice { padding: .6em 1em; background: #fff7e0; border: 1px solid #f0d98c;
          border-radius: 6px; }
details summary { cursor: pointer; color: var(--muted); margin: .4em 0; }
"""

SCRIPT = """
(function () {
  var main = document.getElementById("cm-main");
  var status = document.getElementById("cm-status");
  var toggle = document.getElementById("cm-toggle");
  var paused = false;
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = paused ? "Resume" : "Pause";
    status.textContent = paused ? "paused" : "live";
  });
  function typing() {
    var active = document.activeElement;
    return active && active.tagName === "INPUT" && main.contains(active);
  }
  function tick() {
    if (paused || document.hidden || typing()) { return schedule(); }
    var url = new URL(window.location.href);
    url.searchParams.set("format", "json");
    url.searchParams.set("version", main.dataset.version);
    fetch(url, {cache: "no-store"}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (reply) {
      if (reply && reply.html !== null && reply.version !== main.dataset.version) {
        main.innerHTML = reply.html;
        main.dataset.version = reply.version;
      }
      status.textContent = "live · " + new Date().toLocaleTimeString();
    }).catch(function () {
      status.textContent = "server unreachable";
    }).then(schedule);
  }
  function schedule() { window.setTimeout(tick, REFRESH_MS); }
  schedule();
})();
""".replace("REFRESH_MS", str(REFRESH_MS))
