/* dedup review page.  No network, no eval, no innerHTML with document data: text goes in by textContent. */
(function () {
  "use strict";

  // ---- a port of dedup.fixer.apply_fixes(text, accepted, only_safe=False), over code points ----
  // Keep in step with dedup/fixer.py: tests/review compare the two on every subset they try.

  function conflicts(edit, taken) {
    for (const o of taken) {
      if (edit.start < o.end && o.start < edit.end) return true;
      // two insertions (or an insertion at a deletion's edge) at one point: order would matter
      if (edit.start === o.start && (edit.start === edit.end || o.start === o.end)) return true;
    }
    return false;
  }

  function twinSurvives(keep, taken) {
    let inside = 0;
    for (const e of taken) {
      if (e.start < keep.end && keep.start < e.end) {
        if (e.start < keep.start || e.end > keep.end) return false;
        inside += (e.end - e.start) - e.rlen;
      }
    }
    return inside <= 0.1 * (keep.end - keep.start);
  }

  function slice(chars, start, end) {
    return chars.slice(start, end).join("");
  }

  function check(chars, fix, taken) {
    for (const e of fix.edits) {
      if (e.end > chars.length || slice(chars, e.start, e.end) !== e.expected) {
        return "the text it expects is not there";
      }
      if (conflicts(e, taken)) return "overlaps a fix already applied";
    }
    for (const k of fix.keeps) {
      if (k.end > chars.length) return "its retained twin is outside the text";
      if (!twinSurvives(k, taken.concat(fix.edits))) return "its retained twin would be changed";
    }
    return "";
  }

  function applyEdits(chars, edits) {
    const sorted = edits.slice().sort((a, b) => a.start - b.start || a.end - b.end);
    const parts = [];
    let pos = 0;
    for (const e of sorted) {
      parts.push(slice(chars, pos, e.start), e.replacement);
      pos = e.end;
    }
    parts.push(slice(chars, pos, chars.length));
    return parts.join("");
  }

  /** The fixer over the findings in `order` (the Python fixer's priority) that are in `accepted`. */
  function applyFixes(chars, findings, order, accepted) {
    let taken = [];
    const applied = [];
    const skipped = {};
    for (const i of order) {
      if (!accepted.has(i)) continue;
      const fix = findings[i].fix;
      if (!fix) continue;
      const reason = check(chars, fix, taken);
      if (reason) {
        skipped[i] = reason;
        continue;
      }
      for (const e of fix.edits) taken.push(Object.assign({ owner: i }, e));
      applied.push(i);
    }
    // a retained twin must still be untouched once every fix is in (later fixes could hit it)
    for (const i of applied.slice()) {
      const fix = findings[i].fix;
      const others = taken.filter((e) => e.owner !== i);
      if (!fix.keeps.every((k) => twinSurvives(k, others))) {
        applied.splice(applied.indexOf(i), 1);
        taken = taken.filter((e) => e.owner !== i);
        skipped[i] = "its retained twin is changed by another fix";
      }
    }
    return { text: applyEdits(chars, taken), applied: applied, skipped: skipped };
  }

  // ---- the page ----

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function baseName(path) {
    const parts = path.split(/[\\/]/);
    const name = parts[parts.length - 1] || "document.txt";
    return name === "-" ? "stdin.txt" : name;
  }

  function withSuffix(path, suffix, ext) {
    const name = baseName(path);
    const dot = name.lastIndexOf(".");
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const own = dot > 0 ? name.slice(dot) : "";
    return stem + suffix + (ext === undefined ? own : ext);
  }

  function download(name, content, type) {
    const blob = new Blob([content], { type: type });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function init(section) {
    const dataNode = section.querySelector("script.doc-data");
    if (!dataNode) return null;
    const data = JSON.parse(dataNode.textContent);
    const chars = Array.from(data.text);
    const F = data.findings;
    for (const f of F) {
      if (!f.fix) continue;
      for (const e of f.fix.edits) e.rlen = Array.from(e.replacement).length;
    }
    const state = F.map(() => null); // "accept" | "reject" | null (undecided)
    const main = section.querySelector(".pane-main .doc-text");
    const twinHost = section.querySelector(".twin-text");
    const detail = section.querySelector(".detail");
    const clone = main.cloneNode(true);
    clone.classList.add("doc-clone");
    twinHost.appendChild(clone);
    let result = applyFixes(chars, F, data.order, new Set());
    let selected = -1;

    function statusOf(i) {
      const f = F[i];
      if (!f.fix) return "";
      if (result.applied.indexOf(i) >= 0) return "applied";
      if (result.skipped[i]) return "accepted, not applied: " + result.skipped[i];
      if (state[i] === "reject") return "rejected";
      return f.fix.safe ? "undecided (safe)" : "undecided (needs review)";
    }

    function recompute() {
      const accepted = new Set();
      state.forEach((s, i) => {
        if (s === "accept" && F[i].fix) accepted.add(i);
      });
      result = applyFixes(chars, F, data.order, accepted);
      const applied = new Set(result.applied);
      for (const seg of section.querySelectorAll(".seg.del")) {
        const owners = seg.dataset.d.split(" ").map(Number);
        seg.classList.toggle("gone", owners.some((i) => applied.has(i)));
        seg.classList.toggle("off", owners.every((i) => state[i] === "reject"));
      }
      for (const mark of section.querySelectorAll("[data-fix]")) {
        const i = Number(mark.dataset.fix);
        mark.classList.toggle("on", applied.has(i));
        mark.classList.toggle("off", state[i] === "reject");
      }
      for (const btn of section.querySelectorAll("[data-act]")) {
        btn.setAttribute("aria-pressed", String(state[Number(btn.dataset.i)] === btn.dataset.act));
      }
      for (const item of section.querySelectorAll(".item")) {
        const i = Number(item.dataset.i);
        item.dataset.state = state[i] || "";
        item.dataset.applied = applied.has(i) ? "yes" : "no";
      }
      for (const st of section.querySelectorAll("[data-status]")) {
        st.textContent = statusOf(Number(st.dataset.status));
      }
      const set = (cls, value) => {
        const node = section.querySelector("." + cls);
        if (node) node.textContent = String(value);
      };
      set("live-applied", result.applied.length);
      set("live-removed", Math.max(0, chars.length - Array.from(result.text).length));
      set("live-joined", result.applied.filter((i) => F[i].kind === "broken-paragraph").length);
      set("live-accepted", state.filter((s) => s === "accept").length);
      set("live-rejected", state.filter((s) => s === "reject").length);
      if (selected >= 0) renderDetail(selected);
    }

    function excerpt(start, end, before, after) {
      return {
        pre: slice(chars, Math.max(0, start - before), start),
        body: slice(chars, start, end),
        post: slice(chars, end, Math.min(chars.length, end + after)),
      };
    }

    function renderDetail(i) {
      const f = F[i];
      detail.textContent = "";
      detail.appendChild(el("h3", "k-" + f.kind, "#" + (i + 1) + " " + f.rule + " " + f.kind));
      detail.appendChild(
        el("p", "meta", f.severity + " · confidence " + f.confidence.toFixed(2) + " · line " + f.line)
      );
      detail.appendChild(el("p", "msg", f.message));
      if (f.fix) {
        detail.appendChild(el("h4", null, "Proposed change" + (f.fix.safe ? " (safe)" : " (needs review)")));
        for (const e of f.fix.edits) {
          const p = el("p", "diff");
          const x = excerpt(e.start, e.end, 24, 24);
          p.appendChild(el("span", "ctx", (x.pre ? "…" : "") + x.pre));
          if (e.expected) p.appendChild(el("del", null, e.expected.length > 400 ? e.expected.slice(0, 200) + " … " + e.expected.slice(-120) : e.expected));
          if (e.replacement) p.appendChild(el("ins", null, e.replacement));
          if (!e.replacement && /^\s+$/.test(e.expected) && /[\r\n]/.test(e.expected)) {
            p.appendChild(el("span", "join on", "⏎ join"));
          }
          p.appendChild(el("span", "ctx", x.post + (x.post ? "…" : "")));
          detail.appendChild(p);
        }
        const row = el("p", "fixbtns");
        for (const act of ["accept", "reject"]) {
          const b = el("button", act === "accept" ? "acc" : "rej", act);
          b.type = "button";
          b.dataset.act = act;
          b.dataset.i = String(i);
          b.setAttribute("aria-pressed", String(state[i] === act));
          row.appendChild(b);
        }
        row.appendChild(el("span", "status", statusOf(i)));
        detail.appendChild(row);
      } else {
        detail.appendChild(el("p", "nofix", "No fix proposed: reported for review only."));
      }
      if (f.related.length) {
        const r = f.related[0];
        const twinWord = f.fix && f.fix.keeps.length ? "Retained copy (twin)" : "Related";
        detail.appendChild(el("h4", null, twinWord + " at line " + r.line + " — shown below"));
      } else {
        detail.appendChild(el("h4", null, "No twin: the document below is scrolled to the finding itself"));
      }
    }

    function mark(root, selector) {
      for (const node of root.querySelectorAll(selector)) node.classList.add("sel-hl");
    }

    function select(i, fromList) {
      selected = i;
      for (const node of section.querySelectorAll(".sel-hl, .item.sel")) node.classList.remove("sel-hl", "sel");
      const item = section.querySelector('.item[data-i="' + i + '"]');
      if (item) {
        item.classList.add("sel");
        if (!fromList) item.scrollIntoView({ block: "nearest" });
      }
      renderDetail(i);
      mark(main, '.seg[data-f~="' + i + '"]');
      mark(main, '[data-anchor="' + i + '"]');
      const anchor = main.querySelector('[data-anchor="' + i + '"]');
      if (anchor) anchor.scrollIntoView({ block: "center" });
      mark(clone, '.seg[data-t~="' + i + '"]');
      mark(clone, '[data-twin-of="' + i + '"]');
      const twin = clone.querySelector('[data-twin-of="' + i + '"]') || clone.querySelector('[data-anchor="' + i + '"]');
      if (twin) twin.scrollIntoView({ block: "center" });
      section.dataset.selected = String(i);
    }

    function decide(i, act) {
      if (!F[i].fix) return;
      state[i] = state[i] === act ? null : act;
      recompute();
    }

    function decisions() {
      return {
        schema: "dedup-decisions/1",
        documents: [
          {
            path: data.path,
            sha256: data.sha256,
            decisions: F.filter((f) => f.fix).map((f) => ({
              fingerprint: f.fingerprint,
              rule: f.rule,
              kind: f.kind,
              start: f.start,
              end: f.end,
              decision: state[f.i] || "skip",
            })),
          },
        ],
      };
    }

    function correctedText() {
      const bom = data.bom && /^utf-?8$/i.test(data.encoding) ? "\uFEFF" : "";
      return bom + result.text;
    }

    function global(action) {
      if (action === "accept-safe") {
        F.forEach((f, i) => {
          if (f.fix && f.fix.safe && state[i] !== "reject") state[i] = "accept";
        });
      } else if (action === "reject-all") {
        F.forEach((f, i) => {
          if (f.fix) state[i] = "reject";
        });
      } else if (action === "reset") {
        state.fill(null);
      } else if (action === "download-text") {
        download(withSuffix(data.path, ".reviewed"), correctedText(), "text/plain;charset=utf-8");
        return;
      } else if (action === "download-decisions") {
        download(withSuffix(data.path, ".decisions", ".json"), JSON.stringify(decisions(), null, 2) + "\n", "application/json");
        return;
      }
      recompute();
    }

    section.addEventListener("click", (ev) => {
      const t = ev.target.closest("[data-act], [data-global], .goto, [data-anchor], [data-twin-of]");
      if (!t || !section.contains(t)) return;
      ev.preventDefault();
      if (t.dataset.act) decide(Number(t.dataset.i), t.dataset.act);
      else if (t.dataset.global) global(t.dataset.global);
      else if (t.classList.contains("goto")) select(Number(t.dataset.i), true);
      else if (t.dataset.anchor !== undefined) select(Number(t.dataset.anchor), false);
      else if (t.dataset.twinOf !== undefined) select(Number(t.dataset.twinOf), false);
    });

    recompute();
    return {
      section: section,
      findings: F,
      state: state,
      select: select,
      decide: decide,
      decisions: decisions,
      correctedText: correctedText,
      result: () => result,
      /** Corrected text with exactly these findings accepted (for tests comparing with the Python fixer). */
      applyFor: (indices) => applyFixes(chars, F, data.order, new Set(indices)).text,
      next: (step) => {
        const items = Array.from(section.querySelectorAll(".item")).map((n) => Number(n.dataset.i));
        if (!items.length) return;
        const at = items.indexOf(selected);
        select(items[(at + step + items.length) % items.length], false);
      },
    };
  }

  const controllers = Array.from(document.querySelectorAll("section.doc")).map(init).filter(Boolean);

  function route() {
    const index = document.getElementById("index");
    if (!index) return;
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    const show = target && (target.classList.contains("doc") || target === index) ? target : index;
    for (const node of document.querySelectorAll("section.doc, section.index")) {
      node.classList.toggle("active", node === show);
    }
  }
  window.addEventListener("hashchange", route);
  route();

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) return;
    const active = controllers.find((c) => c.section.classList.contains("active"));
    if (!active) return;
    const sel = Number(active.section.dataset.selected || -1);
    if (ev.key === "j") active.next(1);
    else if (ev.key === "k") active.next(-1);
    else if (ev.key === "a" && sel >= 0) active.decide(sel, "accept");
    else if (ev.key === "r" && sel >= 0) active.decide(sel, "reject");
  });

  window.dedupReview = { controllers: controllers };
  document.documentElement.dataset.ready = "1";
})();
