/* bitalign review page: renders each pair's beads from its JSON data block, edits them
 * (merge, split, move a sentence, reject, confirm, undo/redo), keeps the review queue and
 * exports TMX, TSV, CSV and the edits patch. The TMX is byte for byte what `bitalign align
 * --apply-edits` writes for the same edits (src/export/tmx.rs is the reference).
 * Document text reaches the page only through textContent and setAttribute, never innerHTML.
 * Scripts drive the page through window.bitalign (documented in README.md). */
(function () {
  "use strict";

  var G = JSON.parse(document.getElementById("bitalign-data").textContent);
  var BANDS = [[0.9, "hi"], [0.7, "md"], [0.5, "lo"]];
  var LABEL = { edited: "edited", confirmed: "✓ confirmed", rejected: "✗ rejected" };
  var REVIEWED = { edited: "edited", confirmed: "confirmed" };
  var byId = function (id) { return document.getElementById(id); };
  var thr = byId("thr"), thrv = byId("thrv"), only = byId("only"), statusEl = byId("status");

  var pairs = Array.prototype.map.call(document.querySelectorAll("section.pair"), function (sec, k) {
    return { k: k, sec: sec, tbody: sec.querySelector("tbody.rows"), data: null, beads: null, rows: null };
  });
  var cur = { P: null, i: -1 };
  var undoStack = [], redoStack = [];
  var cutting = null; // {P, i, sc, tc} while the reviewer chooses where to split
  var dirty = false;

  // ---- data ------------------------------------------------------------------------------

  function load(P) {
    if (!P.data) {
      P.data = JSON.parse(P.sec.querySelector("script.pair-data").textContent);
      P.beads = P.data.beads.map(function (b) {
        return bead(b[0], b[1], b[2], b[3], b[4], b[5] || "machine");
      });
    }
    return P;
  }

  function bead(s0, s1, t0, t1, score, status, was) {
    var b = { s0: s0, s1: s1, t0: t0, t1: t1, score: score, status: status };
    if (was) b.was = was;
    return b;
  }

  function oneSided(b) { return b.s0 === b.s1 || b.t0 === b.t1; }
  function empty(b) { return b.s0 === b.s1 && b.t0 === b.t1; }
  function threshold() { return parseFloat(thr.value); }

  /** Unreviewed and either under the threshold or one-sided: what n/p visit. */
  function toReview(b) {
    return b.status === "machine" && (oneSided(b) || (b.score !== null && parseFloat(b.score) < threshold()));
  }

  function band(b) {
    if (oneSided(b)) return "os";
    if (b.score === null) return "na";
    var s = parseFloat(b.score);
    for (var k = 0; k < BANDS.length; k++) if (s >= BANDS[k][0]) return BANDS[k][1];
    return "vl";
  }

  /** The lower of two scores (as written, 3 decimals); unknown when either is. */
  function minScore(a, b) {
    if (a === null || b === null) return null;
    return parseFloat(a) <= parseFloat(b) ? a : b;
  }

  // ---- rendering -------------------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function cell(side, a, z, name) {
    var td;
    if (a === z) {
      td = el("td", "missing");
      td.appendChild(el("span", null, "no counterpart"));
    } else {
      td = el("td", "text");
      td.setAttribute("lang", side.tag);
      td.setAttribute("dir", side.rtl ? "rtl" : "ltr");
      for (var k = a; k < z; k++) {
        var s = el("span", "sent", side.s[k]);
        s.setAttribute("data-k", k);
        td.appendChild(s);
      }
    }
    td.setAttribute("data-side", name);
    return td;
  }

  function row(P, b, i) {
    var tr = el("tr", "bead " + band(b) + " st-" + b.status);
    tr.setAttribute("data-bead", i);
    tr.setAttribute("data-score", b.score === null ? "" : b.score);
    tr.setAttribute("data-status", b.status);
    if (!P.data.show1 && oneSided(b)) tr.classList.add("os-hidden");
    var n = el("td", "n", String(i + 1));
    n.appendChild(el("small", null, (b.s1 - b.s0) + " · " + (b.t1 - b.t0)));
    tr.appendChild(n);
    tr.appendChild(cell(P.data.src, b.s0, b.s1, "src"));
    tr.appendChild(cell(P.data.tgt, b.t0, b.t1, "tgt"));
    var sc = el("td", "sc");
    sc.appendChild(el("span", "chip", b.score === null ? "–" : parseFloat(b.score).toFixed(2)));
    if (LABEL[b.status]) sc.appendChild(el("span", "badge", LABEL[b.status]));
    tr.appendChild(sc);
    return tr;
  }

  /** Rows put in the page when a pair opens; more follow as the reader scrolls near the
   * end of the table (or jumps or edits further down), so a pair of 20k beads opens as fast
   * as a short one: a table lays out all its rows again whenever rows are added. */
  var FIRST_ROWS = 300, ROW_CHUNK = 300;
  var more = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var P = pairs[+e.target.getAttribute("data-k")];
      if (!e.isIntersecting || !P.rows || P.shown >= P.rows.length) return;
      append(P, ROW_CHUNK);
      more.unobserve(e.target); // observed again: fires again while still in view
      more.observe(e.target);
    });
  }, { rootMargin: "1500px" }) : null;

  function render(P) {
    load(P);
    if (P.rows) return;
    P.rows = P.beads.map(function (b, i) { return row(P, b, i); });
    P.shown = 0;
    append(P, more ? FIRST_ROWS : P.rows.length);
    filterRows(P);
    if (more && P.shown < P.rows.length) {
      var sentinel = el("div", "more");
      sentinel.setAttribute("data-k", P.k);
      P.tbody.parentNode.parentNode.insertBefore(sentinel, P.tbody.parentNode.nextSibling);
      more.observe(sentinel);
    }
  }

  /** Puts the next n rows of P in the page. */
  function append(P, n) {
    var frag = document.createDocumentFragment(), end = Math.min(P.rows.length, P.shown + n);
    for (var k = P.shown; k < end; k++) frag.appendChild(P.rows[k]);
    P.tbody.appendChild(frag);
    P.shown = end;
  }

  /** Row i of P (and those before it) in the page, for a jump or an edit there. */
  function ensure(P, i) {
    if (P.rows && P.shown <= i) append(P, i + 1 - P.shown + ROW_CHUNK);
  }

  function renumber(P, from) {
    for (var k = from; k < P.rows.length; k++) {
      P.rows[k].setAttribute("data-bead", k);
      P.rows[k].firstChild.firstChild.nodeValue = String(k + 1);
    }
  }

  /** Puts `fresh` in place of beads at..at+count (and their rows); returns the removed. */
  function replace(P, at, count, fresh) {
    ensure(P, at + count);
    var removed = P.beads.splice.apply(P.beads, [at, count].concat(fresh));
    if (P.rows) {
      var before = P.rows[at + count] || null;
      for (var k = at; k < at + count; k++) P.rows[k].remove();
      var rows = fresh.map(function (b, j) {
        var r = row(P, b, at + j);
        P.tbody.insertBefore(r, before);
        return r;
      });
      P.rows.splice.apply(P.rows, [at, count].concat(rows));
      P.shown += fresh.length - count;
      if (fresh.length !== count) renumber(P, at + fresh.length);
      filterRows(P);
    }
    return removed;
  }

  function filterRows(P) {
    if (!P.rows) return;
    var o = only.checked;
    for (var k = 0; k < P.rows.length; k++) P.rows[k].hidden = o && !toReview(P.beads[k]) && k !== cur.i;
  }

  // ---- selection, queue, status ----------------------------------------------------------

  function current() {
    if (!pairs.length) throw new Error("the page has no sentence pairs");
    if (!cur.P) open(pairs[0]);
    return cur.P;
  }

  function select(P, i, scroll) {
    if (cur.P && cur.P.rows && cur.P.rows[cur.i]) cur.P.rows[cur.i].classList.remove("current");
    cur.P = P;
    cur.i = Math.max(-1, Math.min(i, P.beads.length - 1));
    ensure(P, cur.i);
    var r = P.rows && P.rows[cur.i];
    if (r) {
      r.hidden = false;
      r.classList.add("current");
      if (scroll !== false && r.scrollIntoView) r.scrollIntoView({ block: "nearest" });
    }
    report();
  }

  function counts(P) {
    var c = { review: 0, edited: 0, confirmed: 0, rejected: 0 };
    P.beads.forEach(function (b) {
      if (toReview(b)) c.review++;
      if (c[b.status] !== undefined) c[b.status]++;
    });
    return c;
  }

  function report(message) {
    var P = cur.P;
    if (!P) { statusEl.textContent = message || ""; return; }
    var c = counts(P), b = P.beads[cur.i];
    var text = c.review + " of " + P.beads.length + " beads to review";
    if (c.edited + c.confirmed + c.rejected) {
      text += " · " + c.edited + " edited, " + c.confirmed + " confirmed, " + c.rejected + " rejected";
    }
    if (b) text = "bead " + (cur.i + 1) + " (" + (b.score === null ? "no score" : b.score) + ", " + b.status + ") · " + text;
    statusEl.textContent = message ? message + " · " + text : text;
  }

  function go(d) {
    var P = current(), len = P.beads.length;
    if (!len) return false;
    var i = cur.i < 0 ? (d > 0 ? -1 : 0) : cur.i;
    for (var k = 0; k < len; k++) {
      i = (i + d + len) % len;
      if (toReview(P.beads[i])) { select(P, i); return true; }
    }
    report("nothing left to review");
    return false;
  }

  function step(d) {
    var P = current();
    var i = cur.i + d;
    while (P.rows && P.rows[i] && P.rows[i].hidden) i += d;
    if (i >= 0 && i < P.beads.length) select(P, i);
  }

  // ---- edits -------------------------------------------------------------------------------

  function fail(why) {
    report(why);
    return false;
  }

  function edit(P, at, count, fresh, sel) {
    var removed = replace(P, at, count, fresh);
    undoStack.push({ P: P, at: at, removed: removed, inserted: fresh, sel: cur.i });
    redoStack.length = 0;
    dirty = true;
    select(P, sel);
    return true;
  }

  /** Undo (back) or redo: takes the last record of one stack, replays it, files it on the
   * other. */
  function travel(back) {
    var r = (back ? undoStack : redoStack).pop();
    if (!r) return fail(back ? "nothing to undo" : "nothing to redo");
    if (back) replace(r.P, r.at, r.inserted.length, r.removed);
    else replace(r.P, r.at, r.removed.length, r.inserted);
    (back ? redoStack : undoStack).push(r);
    select(r.P, back ? r.sel : r.at);
    return true;
  }

  function undo() { return travel(true); }
  function redo() { return travel(false); }

  function at(i) {
    var P = current();
    if (i === undefined || i === null) i = cur.i;
    return { P: P, i: i, b: P.beads[i] };
  }

  function merge(i) {
    var t = at(i), a = t.b, b = t.P.beads[t.i + 1];
    if (!a || !b) return fail("no next bead to merge with");
    if (a.s1 !== b.s0 || a.t1 !== b.t0) return fail("beads " + (t.i + 1) + " and " + (t.i + 2) + " are not adjacent");
    return edit(t.P, t.i, 2, [bead(a.s0, b.s1, a.t0, b.t1, minScore(a.score, b.score), "edited")], t.i);
  }

  /** The default cuts of a bead: the middle of the source, the target in proportion. */
  function defaultCuts(b, sc, tc) {
    var ns = b.s1 - b.s0, nt = b.t1 - b.t0;
    if (sc === undefined || sc === null) sc = ns ? Math.max(1, Math.floor(ns / 2)) : 0;
    if (tc === undefined || tc === null) {
      tc = ns ? Math.round(nt * sc / ns) : Math.max(1, Math.floor(nt / 2));
      if (sc === ns && tc === nt) tc = 0;
    }
    return [sc, tc];
  }

  function split(i, sc, tc) {
    var t = at(i), b = t.b;
    if (!b) return fail("no bead to split");
    var c = defaultCuts(b, sc, tc);
    sc = c[0]; tc = c[1];
    if (sc < 0 || sc > b.s1 - b.s0 || tc < 0 || tc > b.t1 - b.t0) return fail("cut outside the bead");
    var x = bead(b.s0, b.s0 + sc, b.t0, b.t0 + tc, b.score, "edited");
    var y = bead(b.s0 + sc, b.s1, b.t0 + tc, b.t1, b.score, "edited");
    if (empty(x) || empty(y)) return fail("a split leaves sentences on both sides of the cut");
    return edit(t.P, t.i, 1, [x, y], t.i);
  }

  /** Moves the first (dir -1, to the previous bead) or last (dir 1, to the next bead)
   * sentence of `side` ("src" or "tgt") of bead i. */
  function move(i, side, dir) {
    var t = at(i), b = t.b, j = t.i + (dir < 0 ? -1 : 1), o = t.P.beads[j];
    if (!b || !o) return fail("no bead to move the sentence into");
    var a0 = side === "tgt" ? "t0" : "s0", a1 = side === "tgt" ? "t1" : "s1";
    if (b[a0] === b[a1]) return fail("the bead has no " + (side === "tgt" ? "target" : "source") + " sentence");
    var nb = bead(b.s0, b.s1, b.t0, b.t1, b.score, "edited");
    var no = bead(o.s0, o.s1, o.t0, o.t1, o.score, "edited");
    if (dir < 0) {
      if (o[a1] !== b[a0]) return fail("the previous bead is not adjacent");
      no[a1]++; nb[a0]++;
    } else {
      if (b[a1] !== o[a0]) return fail("the next bead is not adjacent");
      nb[a1]--; no[a0]--;
    }
    var pair = dir < 0 ? [no, nb] : [nb, no];
    var fresh = pair.filter(function (x) { return !empty(x); });
    var sel = Math.min(t.i, j) + Math.max(0, fresh.indexOf(empty(nb) ? no : nb));
    return edit(t.P, Math.min(t.i, j), 2, fresh, sel);
  }

  /** Sets a verdict, or takes it back when the bead already has it. */
  function mark(i, verdict) {
    var t = at(i), b = t.b;
    if (!b) return fail("no bead selected");
    var base = b.status === "rejected" || b.status === "confirmed" ? (b.was || "machine") : b.status;
    var nb = b.status === verdict
      ? bead(b.s0, b.s1, b.t0, b.t1, b.score, base)
      : bead(b.s0, b.s1, b.t0, b.t1, b.score, verdict, base);
    return edit(t.P, t.i, 1, [nb], t.i);
  }

  // ---- split mode ------------------------------------------------------------------------

  function startCut() {
    var t = at();
    if (!t.b) return fail("select a bead to split");
    var c = defaultCuts(t.b);
    cutting = { P: t.P, i: t.i, sc: c[0], tc: c[1] };
    drawCut();
    return true;
  }

  function drawCut() {
    var c = cutting, r = c.P.rows && c.P.rows[c.i], b = c.P.beads[c.i];
    if (!r) return;
    r.classList.add("cutting");
    [["src", b.s0 + c.sc, b.s1], ["tgt", b.t0 + c.tc, b.t1]].forEach(function (s) {
      var td = r.querySelector('td[data-side="' + s[0] + '"]');
      Array.prototype.forEach.call(td.querySelectorAll(".sent"), function (e) {
        e.classList.toggle("cut", +e.getAttribute("data-k") === s[1]);
        e.classList.toggle("second", +e.getAttribute("data-k") >= s[1]);
      });
      td.classList.toggle("cut-end", s[1] === s[2]);
    });
    report("split bead " + (c.i + 1) + ": source " + c.sc + " | " + (b.s1 - b.s0 - c.sc) +
      ", target " + c.tc + " | " + (b.t1 - b.t0 - c.tc) + " (←/→ source, Shift+←/→ target, Enter, Esc)");
  }

  function endCut(apply) {
    var c = cutting;
    cutting = null;
    var r = c.P.rows && c.P.rows[c.i];
    if (r) {
      r.classList.remove("cutting");
      Array.prototype.forEach.call(r.querySelectorAll(".cut,.second,.cut-end"), function (e) {
        e.classList.remove("cut", "second", "cut-end");
      });
    }
    if (apply) return split(c.i, c.sc, c.tc);
    report("split cancelled");
    return false;
  }

  function cutKey(e) {
    var c = cutting, b = c.P.beads[c.i];
    if (e.key === "Enter") endCut(true);
    else if (e.key === "Escape") endCut(false);
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      var d = (e.key === "ArrowRight") === !(c.P.data[e.shiftKey ? "tgt" : "src"].rtl) ? 1 : -1;
      if (e.shiftKey) c.tc = Math.max(0, Math.min(b.t1 - b.t0, c.tc + d));
      else c.sc = Math.max(0, Math.min(b.s1 - b.s0, c.sc + d));
      drawCut();
    } else return false;
    return true;
  }

  // ---- exports -----------------------------------------------------------------------------

  var WS = "[\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var TRIM = new RegExp("^" + WS + "+|" + WS + "+$", "g"); // Rust's str::trim
  var ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g; // export::xml_safe
  var BREAKS = /[\t\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029]/g; // export::one_line
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;", "\"": "&quot;", "\t": "&#x9;", "\n": "&#xA;" };

  function trim(s) { return s.replace(TRIM, ""); }
  function xmlSafe(s) { return s.replace(ILLEGAL, ""); }
  function xmlEsc(s, attr) {
    return s.replace(attr ? /[&<>\r"\t\n]/g : /[&<>\r]/g, function (c) { return ESC[c]; });
  }
  function sideText(side, a, z) { return side.s.slice(a, z).join(side.sep); }
  function keep(oneSidedOk, src, tgt) { return src && tgt ? true : (!src && !tgt ? false : oneSidedOk); }
  function positions(a, z) { return z - a === 0 ? "" : (z - a === 1 ? String(a + 1) : (a + 1) + "-" + z); }
  function tuid(base, n) { return base ? base + "-" + n : String(n); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function nowDate() {
    var d = new Date();
    return d.getUTCFullYear() + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + "T" +
      pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + "Z";
  }

  /** Calls f(P, bead, index, srcText, tgtText) for every bead not rejected, in order. */
  function eachUnit(f) {
    pairs.forEach(function (P) {
      load(P);
      P.beads.forEach(function (b, i) {
        if (b.status === "rejected") return;
        f(P, b, i, sideText(P.data.src, b.s0, b.s1), sideText(P.data.tgt, b.t0, b.t1));
      });
    });
  }

  function exportTmx() {
    var date = G.date || nowDate(), o = [];
    var prop = function (ty, v) {
      o.push("      <prop type=\"" + xmlEsc(xmlSafe(ty), true) + "\">" + xmlEsc(xmlSafe(v), false) + "</prop>\n");
    };
    var tuv = function (lang, text) {
      o.push("      <tuv xml:lang=\"" + xmlEsc(xmlSafe(lang), true) + "\"><seg>" + xmlEsc(text, false) + "</seg></tuv>\n");
    };
    o.push("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n" +
      "<tmx version=\"1.4\">\n  <header creationtool=\"bitalign\" creationtoolversion=\"" +
      xmlEsc(xmlSafe(G.version), true) + "\" segtype=\"sentence\" o-tmf=\"bitalign\" adminlang=\"en\" srclang=\"" +
      xmlEsc(xmlSafe(G.srclang), true) + "\" datatype=\"plaintext\" creationdate=\"" + date + "\"/>\n  <body>\n");
    eachUnit(function (P, b, i, s, t) {
      var d = P.data, src = trim(xmlSafe(trim(s))), tgt = trim(xmlSafe(trim(t)));
      if (!keep(G.oneSided.tmx, src, tgt)) return;
      o.push("    <tu tuid=\"" + xmlEsc(xmlSafe(tuid(d.tuid, i + 1)), true) + "\" creationdate=\"" + date + "\">\n");
      if (b.score !== null) prop("x-score", b.score);
      if (d.doc) prop("x-document", d.doc);
      prop("x-src-sentences", positions(b.s0, b.s1));
      prop("x-tgt-sentences", positions(b.t0, b.t1));
      prop("x-bead", (b.s1 - b.s0) + "-" + (b.t1 - b.t0));
      if (REVIEWED[b.status]) prop("x-reviewed", REVIEWED[b.status]);
      if (G.note !== null) o.push("      <note>" + xmlEsc(G.note, false) + "</note>\n");
      if (src) tuv(d.src.tag, src);
      if (tgt) tuv(d.tgt.tag, tgt);
      o.push("    </tu>\n");
    });
    o.push("  </body>\n</tmx>\n");
    return o.join("");
  }

  function oneLine(s) { return trim(s.replace(BREAKS, " ")); }

  function exportTsv() {
    var o = [];
    eachUnit(function (P, b, i, s, t) {
      var src = oneLine(s), tgt = oneLine(t);
      if (keep(G.oneSided.tsv, src, tgt)) o.push(src + "\t" + tgt + "\n");
    });
    return o.join("");
  }

  function csvField(s) { return /[",\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s; }

  function exportCsv() {
    var o = [(G.bom ? "\ufeff" : "") + csvField(G.srclang) + "," + csvField(G.tgtlang) + "\r\n"];
    eachUnit(function (P, b, i, s, t) {
      var src = trim(s), tgt = trim(t);
      if (keep(G.oneSided.csv, src, tgt)) o.push(csvField(src) + "," + csvField(tgt) + "\r\n");
    });
    return o.join("");
  }

  /** FNV-1a over the UTF-16 units of each sentence and a 0 after each (review::digest). */
  function digest(sents, a, z) {
    var h = 0x811c9dc5;
    for (var k = a; k < z; k++) {
      var t = sents[k];
      for (var j = 0; j <= t.length; j++) {
        h ^= j < t.length ? t.charCodeAt(j) : 0;
        h = Math.imul(h, 0x01000193);
      }
    }
    return ("0000000" + (h >>> 0).toString(16)).slice(-8);
  }

  function edits() {
    var out = { bitalign_edits: 1, pairs: [] };
    pairs.forEach(function (P) {
      if (!P.beads) return;
      var d = P.data;
      var touched = P.beads.filter(function (b) { return b.status !== "machine"; });
      if (!touched.length) return;
      out.pairs.push({
        id: d.id,
        src_sentences: d.src.s.length,
        tgt_sentences: d.tgt.s.length,
        beads: touched.map(function (b) {
          return {
            src: [b.s0, b.s1], tgt: [b.t0, b.t1], status: b.status,
            score: b.score === null ? null : parseFloat(b.score),
            src_digest: digest(d.src.s, b.s0, b.s1), tgt_digest: digest(d.tgt.s, b.t0, b.t1)
          };
        })
      });
    });
    return JSON.stringify(out, null, 1) + "\n";
  }

  function download(ext, type, body) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([body], { type: type }));
    a.download = G.name + ext;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    dirty = false;
    return true;
  }

  // ---- pairs and the index -----------------------------------------------------------------

  function open(P) {
    pairs.forEach(function (Q) { if (Q !== P && pairs.length > 1) Q.sec.hidden = true; });
    if (byId("index")) byId("index").hidden = true;
    byId("to-index").hidden = pairs.length < 2;
    P.sec.hidden = false;
    render(P);
    if (cur.P !== P) select(P, -1, false);
    if (pairs.length > 1) heading(P.sec.getAttribute("data-title") + " (" + P.sec.getAttribute("data-langs") + ")");
    return true;
  }

  /** What the page shows: in its title and in the bar. */
  function heading(text) {
    document.title = "bitalign review: " + text;
    byId("doc-title").textContent = text;
  }

  function showIndex() {
    pairs.forEach(function (P) { P.sec.hidden = true; });
    byId("index").hidden = false;
    byId("to-index").hidden = true;
    var langs = [];
    pairs.forEach(function (P) {
      var l = P.sec.getAttribute("data-langs");
      if (langs.indexOf(l) < 0) langs.push(l);
    });
    heading(pairs.length + " pairs, " + langs.join(", "));
    cur = { P: null, i: -1 };
    statusEl.textContent = pairs.length + " pairs";
  }

  function buildIndex() {
    var nav = el("nav", "index");
    nav.id = "index";
    var table = el("table", "pairs"), head = el("tr");
    ["#", "pair", "languages", "sentences", "beads", "mean score", "under 0.90"].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    pairs.forEach(function (P, k) {
      var s = P.sec, tr = el("tr"), a = el("a", null, s.getAttribute("data-title"));
      a.setAttribute("href", "#pair-" + k);
      var low = parseFloat(s.getAttribute("data-low"));
      tr.appendChild(el("td", "n", String(k + 1)));
      tr.appendChild(el("td")).appendChild(a);
      tr.appendChild(el("td", null, s.getAttribute("data-langs")));
      tr.appendChild(el("td", "num", s.getAttribute("data-sentences")));
      tr.appendChild(el("td", "num", s.getAttribute("data-beads")));
      tr.appendChild(el("td", "num", s.getAttribute("data-mean")));
      var share = el("td", "num", (100 * low).toFixed(1) + " %");
      if (low > 0.2) share.className += " warn";
      tr.appendChild(share);
      body.appendChild(tr);
    });
    nav.appendChild(el("h2", null, pairs.length + " document pairs"));
    nav.appendChild(table);
    pairs[0].sec.parentNode.insertBefore(nav, pairs[0].sec);
  }

  function route() {
    var m = /^#pair-(\d+)$/.exec(location.hash);
    if (m && pairs[+m[1]]) open(pairs[+m[1]]);
    else if (pairs.length > 1) showIndex();
  }

  // ---- wiring ------------------------------------------------------------------------------

  var ACTIONS = {
    next: function () { return go(1); },
    prev: function () { return go(-1); },
    merge: function () { return merge(); },
    split: function () { return cutting ? endCut(true) : startCut(); },
    "move-src-up": function () { return move(null, "src", -1); },
    "move-src-down": function () { return move(null, "src", 1); },
    "move-tgt-up": function () { return move(null, "tgt", -1); },
    "move-tgt-down": function () { return move(null, "tgt", 1); },
    reject: function () { return mark(null, "rejected"); },
    confirm: function () { return mark(null, "confirmed"); },
    undo: undo,
    redo: redo,
    "export-tmx": function () { return download(".tmx", "application/x-tmx+xml", exportTmx()); },
    "export-tsv": function () { return download(".tsv", "text/tab-separated-values", exportTsv()); },
    "export-csv": function () { return download(".csv", "text/csv", exportCsv()); },
    "export-edits": function () { return download(".edits.json", "application/json", edits()); },
    index: function () { location.hash = ""; showIndex(); return true; }
  };

  var KEYS = {
    ArrowDown: function () { step(1); }, j: function () { step(1); },
    ArrowUp: function () { step(-1); }, k: function () { step(-1); },
    n: ACTIONS.next, p: ACTIONS.prev, m: ACTIONS.merge, s: ACTIONS.split,
    "[": ACTIONS["move-src-up"], "]": ACTIONS["move-src-down"],
    "{": ACTIONS["move-tgt-up"], "}": ACTIONS["move-tgt-down"],
    x: ACTIONS.reject, c: ACTIONS.confirm, u: undo, r: redo, U: redo,
    "?": function () { var h = byId("help"); h.open = !h.open; },
    Backspace: function () { if (pairs.length > 1) ACTIONS.index(); }
  };

  document.addEventListener("keydown", function (e) {
    var t = e.target && e.target.tagName;
    if ((t === "INPUT" && e.target.type !== "checkbox") || t === "TEXTAREA" || t === "SELECT") return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "z" || e.key === "Z" || e.key === "y")) {
      if (e.key === "z" && !e.shiftKey) undo(); else redo();
      e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || !pairs.length) return;
    if (cutting ? cutKey(e) : (KEYS[e.key] && (KEYS[e.key](), true))) e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-action]");
    if (btn && ACTIONS[btn.getAttribute("data-action")]) {
      e.preventDefault();
      ACTIONS[btn.getAttribute("data-action")]();
      return;
    }
    var tr = e.target.closest && e.target.closest("tr[data-bead]");
    if (!tr) return;
    var P = pairs.filter(function (Q) { return Q.sec.contains(tr); })[0];
    var i = +tr.getAttribute("data-bead");
    var sent = e.target.closest(".sent");
    if (cutting && cutting.P === P && cutting.i === i && sent) {
      var b = P.beads[i], side = sent.parentNode.getAttribute("data-side"), k = +sent.getAttribute("data-k");
      if (side === "src") cutting.sc = k - b.s0; else cutting.tc = k - b.t0;
      drawCut();
      return;
    }
    if (cutting) endCut(false);
    select(P, i, false);
  });

  thr.addEventListener("input", function () {
    thrv.textContent = threshold().toFixed(2);
    pairs.forEach(filterRows);
    report();
  });
  only.addEventListener("change", function () { pairs.forEach(filterRows); report(); });
  window.addEventListener("hashchange", route);
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".plot svg"), function (svg) {
    svg.addEventListener("click", function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      p = p.matrixTransform(m.inverse());
      var ns = +svg.getAttribute("data-ns"), l = +svg.getAttribute("data-l"), pw = +svg.getAttribute("data-pw");
      var s = Math.max(0, Math.floor((p.x - l) / pw * ns));
      var P = pairs.filter(function (Q) { return Q.sec.contains(svg); })[0], best = 0;
      P.beads.forEach(function (b, i) { if (b.s0 <= s) best = i; });
      select(P, best);
    });
  });

  function range(a, z) { var r = []; for (var k = a; k < z; k++) r.push(k); return r; }

  /** The scripting contract; `i` defaults to the selected bead of the open pair. */
  window.bitalign = {
    pairs: function () { return pairs.map(function (P) { return P.sec.getAttribute("data-pair"); }); },
    open: function (k) { return open(pairs[k || 0]); },
    beads: function () {
      return current().beads.map(function (b) {
        return { src: range(b.s0, b.s1), tgt: range(b.t0, b.t1), score: b.score === null ? null : parseFloat(b.score), status: b.status };
      });
    },
    selected: function () { current(); return cur.i; },
    select: function (i) { select(current(), i); return cur.i; },
    queue: function () {
      var q = [];
      current().beads.forEach(function (b, i) { if (toReview(b)) q.push(i); });
      return q;
    },
    next: ACTIONS.next, prev: ACTIONS.prev,
    merge: merge, split: split, move: move,
    reject: function (i) { return mark(i, "rejected"); },
    confirm: function (i) { return mark(i, "confirmed"); },
    undo: undo, redo: redo,
    exportTmx: exportTmx, exportTsv: exportTsv, exportCsv: exportCsv, exportEdits: edits
  };

  if (pairs.length > 1) buildIndex();
  if (pairs.length === 1) open(pairs[0]);
  if (pairs.length) route();
})();
