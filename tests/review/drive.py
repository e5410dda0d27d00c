"""Drives the review page in headless Chromium (Playwright for Python, the system chromium:
its own browser download does not work here) for tests/review.rs and benches/review_open.sh.

    drive.py edit PAGE OUT        merge -> split -> undo -> export, keys, download control, RTL
    drive.py roundtrip PAGE OUT   reject a bead, merge two, save the edits and the TMX
    drive.py inject PAGE OUT      edit and export a page of hostile text; did anything run?
    drive.py long PAGE            a pair of many beads: jump and edit before all rows are in
    drive.py open PAGE            time to open a page (the batch index) until it is usable

Each command prints one JSON object on stdout; files go to OUT. Exit 3 when Playwright or
Chromium is missing (the caller skips), 1 on any other failure.
"""

import json
import os
import sys
import time

try:
    from playwright.sync_api import sync_playwright
except ImportError as e:  # the caller prints the skip reason
    print(json.dumps({"skip": f"playwright not importable: {e}"}))
    sys.exit(3)

CHROMIUM = os.environ.get("BITALIGN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Session:
    """One browser and page, with page errors, console errors and dialogs recorded."""

    def __init__(self, pw, path):
        self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        self.context = self.browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.errors, self.dialogs = [], []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.errors.append("console: " + m.text) if m.type == "error" else None,
        )
        self.page.on("dialog", self._dialog)
        self.url = "file://" + os.path.abspath(path)

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def open(self):
        self.page.goto(self.url, wait_until="load")
        return self.page

    def js(self, expr):
        return self.page.evaluate(expr)

    def download(self, action, out_dir):
        """Clicks the control `data-action=action`; saves what it downloads in out_dir."""
        with self.page.expect_download() as d:
            self.page.click(f'[data-action="{action}"]')
        name = d.value.suggested_filename
        path = os.path.join(out_dir, name)
        d.value.save_as(path)
        return name, path

    def close(self):
        self.browser.close()


def adjacent_one_one(beads, start=0):
    """The first i >= start with beads i and i+1 both 1-1."""
    for i in range(start, len(beads) - 1):
        if all(len(b["src"]) == 1 and len(b["tgt"]) == 1 for b in beads[i : i + 2]):
            return i
    raise SystemExit("no two adjacent 1-1 beads")


def edit(s, out):
    s.open()
    n0 = len(s.js("bitalign.beads()"))
    beads = s.js("bitalign.beads()")
    i = adjacent_one_one(beads)
    steps = {}
    steps["merge"] = s.js(f"bitalign.merge({i})")
    steps["after_merge"] = len(s.js("bitalign.beads()"))
    merged = s.js("bitalign.beads()")[i]
    steps["split"] = s.js(f"bitalign.split({i}, 1, 1)")
    steps["after_split"] = len(s.js("bitalign.beads()"))
    steps["undo"] = s.js("bitalign.undo()")
    after_undo = s.js("bitalign.beads()")
    tmx = s.js("bitalign.exportTmx()")
    with open(os.path.join(out, "edited.tmx"), "w", encoding="utf-8") as f:
        f.write(tmx)
    name, _ = s.download("export-tmx", out)
    rows = s.js("document.querySelectorAll('tr[data-bead]').length")
    rtl = s.js(
        "getComputedStyle(document.querySelector('td.text[dir=rtl]')).direction"
    )
    boundaries = s.js("document.querySelectorAll('tr.bead td.text .sent + .sent').length")
    # Keys: select the first bead, merge with m, undo with u; the queue follows reject (x).
    s.page.click("tr[data-bead='0'] td.n")
    s.page.keyboard.press("m")
    keys = {"after_m": len(s.js("bitalign.beads()"))}
    s.page.keyboard.press("u")
    keys["after_u"] = len(s.js("bitalign.beads()"))
    q0 = s.js("bitalign.queue()")
    s.js(f"bitalign.select({q0[0]})")
    s.page.keyboard.press("x")
    keys["queue_before"], keys["queue_after_x"] = len(q0), len(s.js("bitalign.queue()"))
    keys["status_after_x"] = s.js(f"bitalign.beads()[{q0[0]}].status")
    s.page.keyboard.press("n")
    keys["n_selects"] = s.js("bitalign.selected()")
    keys["first_queued"] = s.js("bitalign.queue()")[0]
    return {
        "beads": n0,
        "pick": i,
        "merged": merged,
        "steps": steps,
        "after_undo": len(after_undo),
        "undo_bead": after_undo[i],
        "rows": rows,
        "download": name,
        "rtl": rtl,
        "boundaries": boundaries,
        "keys": keys,
        "title": s.js("document.title"),
        "heading": s.js("document.querySelector('section.pair h2').textContent"),
    }


def roundtrip(s, out):
    s.open()
    beads = s.js("bitalign.beads()")
    j = next(k for k, b in enumerate(beads) if b["src"] and b["tgt"])
    rejected = s.js(f"bitalign.reject({j})")
    i = adjacent_one_one(beads, j + 1)
    merged = s.js(f"bitalign.merge({i})")
    name, _ = s.download("export-edits", out)
    for ext, call in [("tmx", "exportTmx"), ("tsv", "exportTsv"), ("csv", "exportCsv")]:
        with open(os.path.join(out, "page." + ext), "w", encoding="utf-8", newline="") as f:
            f.write(s.js(f"bitalign.{call}()"))
    return {"rejected": rejected, "merged": merged, "edits": name, "beads": len(beads)}


def long_pair(s, _out):
    """A pair longer than the first screen of rows: rows follow after the first frame, and a
    jump or an edit far down works before they have all come."""
    s.open()
    n = len(s.js("bitalign.beads()"))
    far = n - 5
    s.js(f"bitalign.select({far})")
    current = s.js("document.querySelector('tr.current').getAttribute('data-bead')")
    merged = s.js(f"bitalign.merge({far})")
    rows = s.js("document.querySelectorAll('tr[data-bead]').length")
    last = s.js("document.querySelector('tbody.rows').lastElementChild.getAttribute('data-bead')")
    return {"beads": n, "current": int(current), "far": far,
            "merged": merged, "rows": rows, "last": int(last)}


# Everything that would show an attack ran: the payloads set window.__pwned.
PWNED = "typeof window.__pwned"


def inject(s, out):
    s.open()
    report = {"pwned_on_load": s.js(PWNED)}
    n = len(s.js("bitalign.beads()"))
    done = [s.js("bitalign.merge(0)"), s.js("bitalign.split(0)"), s.js("bitalign.reject(1)")]
    s.page.keyboard.press("ArrowDown")
    s.page.keyboard.press("s")
    s.page.keyboard.press("Escape")
    files = {}
    for action in ["export-tmx", "export-tsv", "export-csv", "export-edits"]:
        files[action] = s.download(action, out)[0]
    with open(os.path.join(out, "page.tmx"), "w", encoding="utf-8") as f:
        f.write(s.js("bitalign.exportTmx()"))
    s.js("location.hash = '#pair-0'")
    time.sleep(0.2)
    report.update(
        {
            "beads": n,
            "edits_applied": done,
            "files": files,
            "pwned_after": s.js(PWNED),
            "scripts": s.js("document.scripts.length"),
            "pairs": s.js("bitalign.pairs().length"),
            "foreign_elements": s.js(
                "document.querySelectorAll('img,iframe,object,embed,svg svg,svg script,"
                "a[href^=javascript],tr td script').length"
            ),
            "handlers": s.js(
                "Array.prototype.filter.call(document.querySelectorAll('*'), e => "
                "Array.prototype.some.call(e.attributes, a => a.name.startsWith('on'))).length"
            ),
            "text": s.js("document.querySelector('tbody.rows').textContent"),
            "title": s.js("document.title"),
        }
    )
    return report


def open_time(s, _out):
    t0 = time.perf_counter()
    s.open()
    rows = s.js("document.querySelectorAll('nav.index tbody tr').length")
    painted = s.js("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
    wall = time.perf_counter() - t0
    nav = s.js(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; })()"
    )
    t1 = time.perf_counter()
    s.js("location.hash = '#pair-0'")
    s.page.wait_for_selector("#pair-0 tr[data-bead]")
    pair_open = time.perf_counter() - t1
    return {
        "index_rows": rows,
        "wall_s": round(wall, 3),
        "dom_content_loaded_ms": round(nav["dcl"]),
        "load_ms": round(nav["load"]),
        "first_frame_ms": round(painted),
        "open_pair_s": round(pair_open, 3),
        "bytes": os.path.getsize(s.url[len("file://") :]),
    }


COMMANDS = {"long": long_pair, "edit": edit, "roundtrip": roundtrip, "inject": inject, "open": open_time}


def main():
    cmd, page = sys.argv[1], sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else "."
    if not os.path.exists(CHROMIUM):
        print(json.dumps({"skip": f"{CHROMIUM} not found (Debian package chromium)"}))
        sys.exit(3)
    with sync_playwright() as pw:
        s = Session(pw, page)
        try:
            result = COMMANDS[cmd](s, out)
        finally:
            s.close()
    result["errors"] = s.errors
    result["dialogs"] = s.dialogs
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
