"""The HTML page as text: self-contained, escaped, one highlight per finding; report and check --format html."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from review.review_support import generated_text, run_dedup

from dedup.engine import check_document, clean_document
from dedup.model import Document
from dedup.records import build_record
from dedup.reporters import ReportOptions, get_reporter
from dedup.reporters.html import render_page

HOSTILE = (
    "Title </textarea><script>window.__pwned = 1; document.title = 'PWNED'</script>\n\n"
    "A paragraph with <!-- an HTML comment --> and <img src=x onerror=\"window.__pwned=2\"> inside it.\n\n"
    "Right\u202eto\u202cleft override, zero\u200bwidth, joiner\u200d, mark\u200f and a BOM\ufeff here.\n\n"
    "A paragraph with <!-- an HTML comment --> and <img src=x onerror=\"window.__pwned=2\"> inside it.\n\n"
    "</script><script>window.__pwned = 3</script> &amp; &lt;b&gt; ]]> \u2028 end.\n"
)


def _page(text: str, path: str = "doc.txt") -> str:
    return render_page([build_record(clean_document(Document(text, path=path)))])


def test_page_is_self_contained_and_locks_out_other_scripts() -> None:
    html = _page(generated_text(1))
    assert not re.search(r"\b(?:src|href)=\"(?:https?:)?//", html)
    assert "<link" not in html and "@import" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp.group(1)


def test_hostile_text_is_escaped_everywhere() -> None:
    html = _page(HOSTILE)
    # the only <script> tags are the page's own: one data block and the code
    assert len(re.findall(r"<script\b", html, flags=re.I)) == 2
    assert "</textarea>" not in html and "<!-- an" not in html and "<img" not in html
    data = re.search(r'<script type="application/json" class="doc-data">(.*?)</script>', html, flags=re.S)
    assert data is not None
    assert "<" not in data.group(1) and ">" not in data.group(1) and "&" not in data.group(1)
    assert json.loads(data.group(1))["text"] == HOSTILE
    # invisible and bidi characters are wrapped so that they show and stay isolated
    for cp in ("U+202E", "U+200B", "U+200D", "U+200F", "U+FEFF", "U+2028"):
        assert f'data-cp="{cp}"' in html


@pytest.mark.parametrize("seed", range(4))
def test_one_anchor_per_finding_and_twins_linked(seed: int) -> None:
    text = generated_text(seed)
    result = check_document(Document(text, path="g.txt"))
    html = render_page([build_record(result)])
    anchors = re.findall(r'data-anchor="(\d+)"', html)
    assert sorted(map(int, anchors)) == list(range(len(result.findings)))
    for i, finding in enumerate(result.findings):
        assert len(re.findall(rf'data-twin-of="{i}"', html)) == len(finding.related)
    assert len(result.findings) > 0


def test_check_format_html_and_json_agree_on_the_findings(tmp_path: Path, page_copy: Path) -> None:
    html_out, json_out = tmp_path / "r.html", tmp_path / "r.json"
    assert run_dedup("check", str(page_copy), "-f", "html", "-o", str(html_out)).returncode in (0, 1)
    assert run_dedup("check", str(page_copy), "-f", "json", "-o", str(json_out)).returncode in (0, 1)
    findings = json.loads(json_out.read_text(encoding="utf-8"))["documents"][0]["findings"]
    html = html_out.read_text(encoding="utf-8")
    assert len(set(re.findall(r'data-anchor="(\d+)"', html))) == len(findings) > 0
    assert f'<b class="n-findings">{len(findings)}</b>' in html


def test_report_several_files_writes_pages_and_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    texts = {f"part{n}.txt": generated_text(n) for n in range(3)}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "part0.txt").write_text(texts["part0.txt"], encoding="utf-8")
    out = tmp_path / "site"
    done = run_dedup("report", str(folder), "-o", str(out))
    assert done.returncode == 0, done.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in out.glob("*.html") if p.name != "index.html")
    # two part0.txt in different folders get different pages
    assert pages == ["part0.txt.html", "part1.txt.html", "part2.txt.html", "sub__part0.txt.html"]
    for page in pages:
        assert f'href="{page}"' in index
        body = (out / page).read_text(encoding="utf-8")
        assert 'href="index.html"' in body
    counts = [int(n) for n in re.findall(r'data-count="findings">(\d+)<', index)]
    expected = [len(check_document(Document(t)).findings) for t in
                (texts["part0.txt"], texts["part1.txt"], texts["part2.txt"], texts["part0.txt"])]
    assert sorted(counts) == sorted(expected)


def test_report_one_file_and_errors(tmp_path: Path, page_copy: Path) -> None:
    out = tmp_path / "review.html"
    done = run_dedup("report", str(page_copy), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = run_dedup("report", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.html"))
    assert missing.returncode == 2
    assert b"no such file" in missing.stderr


def test_html_reporter_is_registered() -> None:
    record = build_record(check_document(Document(generated_text(2), path="g.txt")))
    html = get_reporter("html").render([record], ReportOptions())
    assert html.count('<section class="doc') == 1
    two = get_reporter("html").render([record, record], ReportOptions())
    assert two.count('<section class="doc') == 2 and 'id="index"' in two
