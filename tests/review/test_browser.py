"""The review page in real headless Chromium: highlights, twins, decisions, downloads, and hostile text."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from review.review_support import PAGE, generated_text, run_dedup

from dedup.decisions import REJECT, Decision, DecisionSet, DocumentDecisions
from dedup.engine import CheckResult, check_document
from dedup.fixer import apply_fixes
from dedup.model import Document, Edit, Finding, Fix, Span
from dedup.records import build_record
from dedup.reporters.html import render_page

pytestmark = pytest.mark.browser

_DUPLICATE_KINDS = ("duplicate-paragraph", "duplicate-section", "splice")


def _open(page: Any, html_file: Path) -> None:
    page.goto(html_file.as_uri())
    page.wait_for_selector("html[data-ready='1']", state="attached", timeout=10_000)


def _download(page: Any, action: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(f"[data-global='{action}']")
    download = info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def _in_pane(page: Any, selector: str, pane: str) -> bool:
    """Whether the element is inside its scrolling pane's visible box (and the window's)."""
    return bool(page.evaluate(
        """([sel, paneSel]) => {
            const el = document.querySelector(sel), pane = document.querySelector(paneSel);
            if (!el || !pane) return false;
            const r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
            return r.bottom > p.top && r.top < p.bottom && r.top >= 0 && r.bottom <= window.innerHeight;
        }""",
        [selector, pane],
    ))


def test_review_page_for_the_example(page: Any, tmp_path: Path, page_copy: Path) -> None:
    html_file = tmp_path / "review.html"
    done = run_dedup("report", str(page_copy), "-o", str(html_file))
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(run_dedup("check", str(page_copy), "-f", "json").stdout)
    findings = report["documents"][0]["findings"]
    _open(page, html_file)

    # every finding of the JSON report is highlighted once in the document
    assert page.locator(".pane-main [data-anchor]").count() == len(findings) > 0
    assert page.locator(".sidebar .item").count() == len(findings)
    assert page.locator(".n-findings").inner_text() == str(len(findings))

    # a duplicate: its copy and, beside it, its retained twin scroll into view
    dup = next(i for i, f in enumerate(findings) if f["kind"] in _DUPLICATE_KINDS and f["related"])
    page.click(f".sidebar .goto[data-i='{dup}']")
    assert _in_pane(page, f".pane-main [data-anchor='{dup}']", ".pane-main")
    assert _in_pane(page, f".twin-text [data-twin-of='{dup}']", ".twin-text")
    text = page_copy.read_bytes().decode("utf-8")
    twin = findings[dup]["related"][0]
    shown_twin = page.evaluate(
        f"Array.from(document.querySelectorAll('.twin-text .seg[data-t~=\"{dup}\"]')).map(s => s.textContent).join('')"
    )
    assert shown_twin == text[twin["start"]:twin["end"]]
    assert findings[dup]["rule"] in page.locator(".detail h3").inner_text()

    # with every safe fix accepted the download is what `dedup clean` writes
    page.click("[data-global='accept-safe']")
    all_safe = _download(page, "download-text", tmp_path / "all")
    cleaned = tmp_path / "clean.txt"
    assert run_dedup("clean", str(page_copy), "-o", str(cleaned), "-q").returncode == 0
    assert all_safe.read_bytes() == cleaned.read_bytes()

    # reject one fix, accept the rest: the download is `clean --decisions` with that one rejected
    page.click("[data-global='reset']")
    safe = [i for i, f in enumerate(findings) if f["fix"] and f["fix"]["safe"]]
    rejected = dup if dup in safe else safe[0]
    page.click(f".sidebar [data-act='reject'][data-i='{rejected}']")
    page.click("[data-global='accept-safe']")
    assert page.locator(f".sidebar [data-act='reject'][data-i='{rejected}']").get_attribute("aria-pressed") == "true"
    assert page.locator(".live-rejected").inner_text() == "1"
    corrected = _download(page, "download-text", tmp_path / "one-rejected")
    page_decisions = _download(page, "download-decisions", tmp_path / "one-rejected")

    f = findings[rejected]
    written = DecisionSet([DocumentDecisions(
        str(page_copy), "", [Decision(f["fingerprint"], f["rule"], f["start"], f["end"], REJECT, f["kind"])]
    )])
    decisions = tmp_path / "decisions.json"
    decisions.write_text(written.dumps(), encoding="utf-8")
    replay = tmp_path / "replay.txt"
    done = run_dedup("clean", str(page_copy), "--decisions", str(decisions), "-o", str(replay), "-q")
    assert done.returncode == 0, done.stderr.decode()
    assert corrected.read_bytes() == replay.read_bytes()
    assert corrected.read_bytes() != cleaned.read_bytes()
    # the page's own decisions file replays to the same text
    replay2 = tmp_path / "replay2.txt"
    assert run_dedup("clean", str(page_copy), "--decisions", str(page_decisions), "-o", str(replay2),
                     "-q").returncode == 0
    assert replay2.read_bytes() == corrected.read_bytes()

    page.click(f".sidebar .goto[data-i='{dup}']")
    page.screenshot(path=str(tmp_path / "review.png"))
    assert (tmp_path / "review.png").stat().st_size > 10_000


@pytest.mark.parametrize("source", ["example", "generated-0", "generated-1", "generated-3"])
def test_browser_fixer_agrees_with_the_python_fixer(page: Any, tmp_path: Path, source: str) -> None:
    text = PAGE.read_bytes().decode("utf-8") if source == "example" else generated_text(int(source[-1]))
    doc_file = tmp_path / "doc.txt"
    doc_file.write_bytes(text.encode("utf-8"))
    html_file = tmp_path / "review.html"
    assert run_dedup("report", str(doc_file), "-o", str(html_file)).returncode == 0
    _open(page, html_file)
    findings = check_document(Document(text, path=str(doc_file))).findings
    fixable = [i for i, f in enumerate(findings) if f.fix is not None]
    assert fixable
    rng = random.Random(source)
    subsets = [fixable, [], *[rng.sample(fixable, rng.randint(1, len(fixable))) for _ in range(25)]]
    for subset in subsets:
        in_browser = page.evaluate("(s) => window.dedupReview.controllers[0].applyFor(s)", subset)
        in_python = apply_fixes(text, [findings[i] for i in subset], only_safe=False).text
        assert in_browser == in_python, f"subset {subset}"


def _conflicting_findings(text: str) -> list[Finding]:
    """Hand-made fixes that collide in every way the fixer resolves: overlaps, insertions at one
    point, a twin cut by a higher-priority fix, a twin worn down by two small later fixes, stale text."""

    def at(word: str) -> int:
        return text.index(word)

    def finding(kind: str, edits: list[Edit], keeps: tuple[Span, ...] = ()) -> Finding:
        f = Finding("T" + str(len(kind)), kind, "warning", 0.9, kind, Span(edits[0].start, edits[-1].end),
                    related=keeps, fix=Fix(tuple(edits), keeps))
        f.fingerprint = f"{kind}:{edits[0].start}"
        return f

    a, g = at("alpha"), at("gamma")
    keep = Span(at("kappa"), at("kappa") + len("kappa lambda"))
    return [
        finding("duplicate-paragraph", [Edit.delete(text, a, a + 11)], (keep,)),
        finding("stutter", [Edit.delete(text, a + 6, a + 11)]),
        finding("broken-paragraph", [Edit.replace(text, g, g, "X")]),
        finding("repeated-phrase", [Edit.replace(text, g, g, "𠮷Y")]),
        finding("splice", [Edit.delete(text, keep.start + 6, keep.start + 9)]),
        finding("running-header", [Edit(at("omega"), at("omega") + 5, "", "OMEGA")]),
        finding("repeated-name", [Edit.delete(text, keep.start + 1, keep.start + 2)]),
        finding("stutter", [Edit.delete(text, keep.start + 3, keep.start + 4)]),
        finding("page-marker", [Edit.delete(text, at("delta"), at("delta") + 6),
                                Edit.replace(text, at("zeta"), at("zeta") + 4, "ζ")]),
    ]


def test_browser_fixer_resolves_conflicts_like_the_python_fixer(page: Any, tmp_path: Path) -> None:
    text = "𠮷 alpha beta gamma 𠮷 delta epsilon zeta eta 🙂 theta iota kappa lambda mu omega."
    findings = _conflicting_findings(text)
    html_file = tmp_path / "conflicts.html"
    html_file.write_text(render_page([build_record(CheckResult(Document(text, path="c.txt"), findings))]),
                         encoding="utf-8")
    _open(page, html_file)
    subsets = [[i for i in range(len(findings)) if mask >> i & 1] for mask in range(1 << len(findings))]
    in_browser = page.evaluate(
        "(subsets) => subsets.map((s) => window.dedupReview.controllers[0].applyFor(s))", subsets
    )
    in_python = [apply_fixes(text, [findings[i] for i in s], only_safe=False).text for s in subsets]
    assert len(set(in_python)) > 50  # the subsets really differ, so the comparison means something
    for subset, got, want in zip(subsets, in_browser, in_python, strict=True):
        assert got == want, f"subset {subset}"


HOSTILE = (
    "Notice </textarea><script>window.__pwned = 1; document.title = 'PWNED'; alert(1)</script>\n\n"
    "The board <!-- hidden --> met <img src=x onerror=\"window.__pwned=2\"> on Tuesday to vote on the budget.\n\n"
    "Right\u202eto\u202cleft, zero\u200bwidth, joiner\u200d, \U0001F600 astral, mark\u200f here.\n\n"
    "The board <!-- hidden --> met <img src=x onerror=\"window.__pwned=2\"> on Tuesday to vote on the budget.\n\n"
    "</script><script>window.__pwned = 3</script> &amp; the the end <b>bold</b>.\n"
)


def test_no_script_from_the_document_runs(page: Any, tmp_path: Path) -> None:
    doc_file = tmp_path / "hostile.txt"
    doc_file.write_bytes(HOSTILE.encode("utf-8"))
    html_file = tmp_path / "hostile.html"
    assert run_dedup("report", str(doc_file), "-o", str(html_file)).returncode == 0
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, html_file)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() != "PWNED"
    assert not dialogs
    assert page.locator(".pane-main script, .pane-main img, .pane-main textarea, .pane-main b").count() == 0
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('.pane-main .seg')).map(s => s.textContent).join('')"
    )
    assert shown == HOSTILE
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.pane-main .ctl > .ch')).unicodeBidi"
    ) == "isolate"
    # the override is contained: the two letters after U+202E still run left to right
    assert page.evaluate(
        """() => {
            const ctl = document.querySelector('.pane-main .ctl[data-cp="U+202E"]');
            const walker = document.createTreeWalker(ctl.closest('.seg') || ctl.parentNode, NodeFilter.SHOW_TEXT);
            let text = null;
            while (walker.nextNode()) {
                if (walker.currentNode.textContent.startsWith('to')) { text = walker.currentNode; break; }
            }
            const box = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                                 return r.getBoundingClientRect().left; };
            return text !== null && box(0) < box(1);
        }"""
    )
    # clicking around (details are built from the data) still runs nothing from the document
    for item in range(page.locator(".sidebar .goto").count()):
        page.locator(".sidebar .goto").nth(item).click()
    page.click("[data-global='accept-safe']")
    assert page.evaluate("typeof window.__pwned") == "undefined" and not dialogs
    corrected = _download(page, "download-text", tmp_path / "dl")
    cleaned = tmp_path / "clean.txt"
    assert run_dedup("clean", str(doc_file), "-o", str(cleaned), "-q").returncode == 0
    assert corrected.read_bytes() == cleaned.read_bytes()


def test_several_documents_index_and_pages(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    folder = tmp_path / "in"
    folder.mkdir()
    texts = [generated_text(n) for n in (0, 1, 2)]
    for n, text in enumerate(texts):
        (folder / f"doc{n}.txt").write_text(text, encoding="utf-8")
    counts = [len(check_document(Document(t)).findings) for t in texts]

    # one page holding all of them (check --format html): the index first, a document per link
    combined = tmp_path / "all.html"
    assert run_dedup("check", str(folder), "-f", "html", "-o", str(combined)).returncode in (0, 1)
    _open(page, combined)
    assert page.locator("#index").is_visible()
    assert [int(c) for c in page.locator("[data-count='findings']").all_inner_texts()] == counts
    page.click("#index a[href='#doc-2']")
    expect(page.locator("#doc-2")).to_be_visible()
    expect(page.locator("#index")).to_be_hidden()
    assert page.locator("#doc-2 .pane-main [data-anchor]").count() == counts[1]
    page.locator("#doc-2 .sidebar .goto").first.click()
    assert page.locator("#doc-2 .detail h3").is_visible()
    page.click("#doc-2 a.back")
    expect(page.locator("#index")).to_be_visible()
    expect(page.locator("#doc-2")).to_be_hidden()

    # a folder of pages (report): index.html links to each page, each page back to the index
    site = tmp_path / "site"
    assert run_dedup("report", str(folder), "-o", str(site)).returncode == 0
    _open_static(page, site / "index.html")
    assert sorted(p.name for p in site.glob("*.html")) == ["doc0.txt.html", "doc1.txt.html", "doc2.txt.html",
                                                           "index.html"]
    page.click("a[href='doc1.txt.html']")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    assert page.locator(".pane-main [data-anchor]").count() == counts[1]
    page.click("a.back")
    page.wait_for_url("**/index.html")


def _open_static(page: Any, html_file: Path) -> None:
    page.goto(html_file.as_uri())
    page.wait_for_selector("table.index-table")


def test_download_keeps_bom_and_crlf_like_clean(page: Any, tmp_path: Path) -> None:
    text = generated_text(5).replace("\n", "\r\n")
    doc_file = tmp_path / "crlf.txt"
    doc_file.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    html_file = tmp_path / "crlf.html"
    assert run_dedup("report", str(doc_file), "-o", str(html_file)).returncode == 0
    _open(page, html_file)
    assert page.locator(".pane-main [data-anchor]").count() == len(check_document(Document(text)).findings) > 0
    page.click("[data-global='accept-safe']")
    corrected = _download(page, "download-text", tmp_path / "dl")
    cleaned = tmp_path / "clean.txt"
    assert run_dedup("clean", str(doc_file), "-o", str(cleaned), "-q").returncode == 0
    assert corrected.read_bytes() == cleaned.read_bytes()
    assert corrected.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in corrected.read_bytes()
    assert corrected.read_bytes() != doc_file.read_bytes()
