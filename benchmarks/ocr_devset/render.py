#!/usr/bin/env python3
"""Render the real-OCR development set: multi-column newspaper pages with scan faults.

Each page is laid out as an image (Pillow; Noto CJK for Chinese, DejaVu for English):
a running header line (publication, date, page number, section), a rule, a headline
across the columns, then body paragraphs flowing down two or three columns (so
sentences are cut at column ends), jump markers (【紧接第3版】 / （下转第5版） or
"(Continued from page 3)" / "Continued on page 5"), and injected scan faults:

* ``dup-paragraph`` -- a paragraph printed twice (the second copy is the fault);
* ``dup-section`` -- a run of paragraphs printed twice, the first copy cut off mid-sentence;
* ``dup-strip`` -- a band of lines printed twice, the overlap of two stitched scan tiles
  (across every column, or inside one column).

Besides the image, per page it writes the texts the evaluation needs:

* ``NAME.truth.txt`` -- the reading-order text an ideal ``clean`` gives: headline and
  body paragraphs, one paragraph per line block, no furniture, no injected duplicates;
* ``NAME.layout.txt`` -- the text as printed, in reading order (header, headline, each
  column's lines, a blank line at paragraph starts and at column breaks), faults included;
* ``NAME.meta.json`` -- language, geometry, and every furniture/fault span as code-point
  offsets into ``NAME.layout.txt``.

The OCR step (``ocr.py``) then writes ``NAME.ocr.txt``.  Everything is seeded: the same
command gives byte-identical text files (and images, for the same Pillow and fonts).

Usage::

    python benchmarks/ocr_devset/render.py --images /tmp/ocr-dev-img --data tests/data/ocr-dev
    python benchmarks/ocr_devset/ocr.py --images /tmp/ocr-dev-img --data tests/data/ocr-dev
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ZH_CORPUS = REPO / ".." / "shared" / "corpus" / "zh-gov-reports"

CJK_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
CJK_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
CJK_SC_INDEX = 2  # face "Noto ... CJK SC" inside the collections
LATIN_SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LATIN_SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
LATIN_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LATIN_ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"

# A4 at 300 dpi.
PAGE_W, PAGE_H = 2480, 3508
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 150, 130, 150
COLUMN_GAP = 64

ZH_PAPERS = ["滨江日报", "东海晚报", "江城日报", "海港时报", "明州新闻"]
ZH_SECTIONS = ["要闻", "综合", "专版", "经济", "时政"]
ZH_WEEKDAYS = "一二三四五六日"
EN_PAPERS = ["THE RIVERSIDE CHRONICLE", "EVENING HERALD", "THE COUNTY GAZETTE", "MORNING LEDGER"]
EN_SECTIONS = ["NEWS", "REFERENCE", "BUSINESS", "LOCAL"]

# No line may start with these (kinsoku); they hang into the gutter instead.
NO_LINE_START = set("，。、；：？！”’）》」』〉】%…—·,.;:?!)")

# Kinds of layout text; everything but "body" is absent from the truth.
BODY, HEADER, MARKER = "body", "header", "marker"
DUP_PARAGRAPH, DUP_SECTION, DUP_STRIP = "dup-paragraph", "dup-section", "dup-strip"
FAULTS = (DUP_PARAGRAPH, DUP_SECTION, DUP_STRIP)


@dataclass
class Seg:
    """A run of characters of one kind."""

    text: str
    kind: str


@dataclass
class Line:
    """One printed body line: its characters with their kinds."""

    chars: list[str]
    kinds: list[str]
    indent: bool = False  # first line of a paragraph (indented)
    para_start: bool = False
    align_right: bool = False
    italic: bool = False


@dataclass
class PageSpec:
    """What one page shows; everything random is drawn from ``seed``."""

    name: str
    lang: str  # "zh" | "en"
    source: str
    headline: str
    paragraphs: list[str]
    page_no: int
    seed: int
    ncols: int = 3
    top_marker: bool = True
    bottom_marker: bool = True
    dup_paragraph: bool = False
    dup_section: bool = False  # a run of paragraphs printed twice, the first copy cut off
    dup_strip: str | None = None  # None | "all-columns" | "one-column"
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- sources


def _clean_source(text: str) -> str:
    # Drop format characters (zero-width joiners in the corpus) that no printer shows.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


_ZH_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def zh_articles() -> list[tuple[str, list[str]]]:
    """(source name, paragraphs) of each Chinese government report, oldest first."""
    out = []
    for path in sorted(ZH_CORPUS.glob("*.txt")):
        paras = [_clean_source(p).strip() for p in path.read_text(encoding="utf-8").split("\n")]
        out.append((path.name, [p for p in paras if p]))
    return out


def _en_blocks(text: str) -> list[str]:
    blocks = []
    for raw in re.split(r"\n\s*\n", text):
        lines = raw.split("\n")
        # Code, grammar and tables are indented by 3+ spaces in these sources: not prose.
        if any(re.match(r"^\s{3,}\S", ln) for ln in lines[1:]) or raw.startswith("   "):
            continue
        block = " ".join(ln.strip() for ln in lines if ln.strip())
        block = re.sub(r"\s+", " ", block)
        if block:
            blocks.append(block)
    return blocks


def _is_en_prose(block: str) -> bool:
    return (
        len(block) >= 160
        and block[0].isupper()
        and block.endswith((".", ":"))
        and "::" not in block
        and "*" not in block
        and "|" not in block
        and "<" not in block
        and "https" not in block
    )


def en_articles() -> list[tuple[str, str, list[str]]]:
    """(source name, title, prose paragraphs) from texts every Debian/Python install has."""
    import pydoc_data.topics as topics_mod

    arts: list[tuple[str, str, list[str]]] = []
    for key in sorted(topics_mod.topics):
        text = topics_mod.topics[key]
        title = text.split("\n", 1)[0].strip()
        prose = [b for b in _en_blocks(text) if _is_en_prose(b)]
        if len(prose) >= 3 and title:
            arts.append((f"pydoc_data.topics[{key!r}]", title.replace('"', ""), prose))
    for lic, title in (("GPL-3", "The GNU General Public License"), ("Apache-2.0", "Apache License")):
        text = (Path("/usr/share/common-licenses") / lic).read_text(encoding="utf-8")
        prose = [b for b in _en_blocks(text) if len(b) >= 160 and b[0].isalnum()]
        arts.append((f"/usr/share/common-licenses/{lic}", title, prose))
    return arts


# --------------------------------------------------------------------------- page plan


def _zh_headline(heading: str) -> tuple[str, str]:
    """Headline and the body text that follows it (some reports run a heading into its text)."""
    head, sep, rest = heading.partition("。")
    if len(head) > 34:
        head, sep2, rest2 = head.partition("，")
        rest = rest2 + sep + rest if sep2 else rest
    return head.strip(), rest.strip()


def plan_pages(n_zh: int = 12, n_en: int = 8, seed: int = 20240531) -> list[PageSpec]:
    """Choose sources, slices, furniture and faults for every page."""
    rng = random.Random(seed)
    specs: list[PageSpec] = []
    zh = zh_articles()
    for i in range(n_zh):
        src, paras = zh[(i * 7 + 3) % len(zh)]
        heads = [k for k, p in enumerate(paras) if _ZH_HEADING.match(p) and k + 8 < len(paras)]
        k = rng.choice(heads)
        headline, body = _zh_headline(_ZH_HEADING.sub("", paras[k]))
        specs.append(
            PageSpec(
                name=f"zh-{i + 1:02d}",
                lang="zh",
                source=src,
                headline=headline,
                paragraphs=([body] if body else []) + paras[k + 1 : k + 40],
                page_no=rng.randint(2, 12),
                seed=rng.randrange(1 << 30),
                ncols=rng.choice([2, 3, 3]),
                top_marker=rng.random() < 0.6,
                bottom_marker=rng.random() < 0.75,
                # two control pages (furniture and hard wraps only) keep false alarms visible
                dup_paragraph=i not in (3, 8) and rng.random() < 0.6,
                dup_strip=None if i in (3, 8) else rng.choice([None, "all-columns", "all-columns", "one-column"]),
            )
        )
    en = en_articles()
    long_en = [a for a in en if sum(len(p) for p in a[2]) > 2500]
    for i in range(n_en):
        src, title, paras = long_en[(i * 5 + 1) % len(long_en)]
        start = rng.randrange(0, max(1, len(paras) - 12))
        specs.append(
            PageSpec(
                name=f"en-{i + 1:02d}",
                lang="en",
                source=src,
                headline=title,
                paragraphs=paras[start:],
                page_no=rng.randint(2, 12),
                seed=rng.randrange(1 << 30),
                ncols=rng.choice([2, 3]),
                top_marker=rng.random() < 0.5,
                bottom_marker=rng.random() < 0.75,
                dup_paragraph=i != 5 and rng.random() < 0.6,
                dup_strip=None if i == 5 else rng.choice([None, "all-columns", "one-column"]),
            )
        )
    for s in specs:
        if not s.dup_paragraph and s.dup_strip is None and s.name not in ("zh-04", "zh-09", "en-06"):
            s.dup_strip = "all-columns"  # every page but the controls has at least one fault
    # drawn apart, so that adding this fault kept every other page as it was
    section_rng = random.Random(seed + 1)
    for s in specs:
        s.dup_section = s.name not in ("zh-04", "zh-09", "en-06") and section_rng.random() < 0.4
    return specs


# --------------------------------------------------------------------------- layout


class Fonts:
    """The faces one page uses."""

    def __init__(self, lang: str, body_px: int) -> None:
        from PIL import ImageFont

        if lang == "zh":
            self.body = ImageFont.truetype(CJK_SERIF, body_px, index=CJK_SC_INDEX)
            self.italic = self.body
            self.header = ImageFont.truetype(CJK_SANS, 36, index=CJK_SC_INDEX)
            self.headline = ImageFont.truetype(CJK_SANS_BOLD, 84, index=CJK_SC_INDEX)
        else:
            self.body = ImageFont.truetype(LATIN_SERIF, body_px)
            self.italic = ImageFont.truetype(LATIN_ITALIC, body_px)
            self.header = ImageFont.truetype(LATIN_SANS, 34)
            self.headline = ImageFont.truetype(LATIN_SERIF_BOLD, 74)


def _wrap_zh(chars: list[str], kinds: list[str], font: Any, width: float, indent_px: float) -> list[Line]:
    lines: list[Line] = []
    i = 0
    first = True
    while i < len(chars):
        avail = width - (indent_px if first else 0)
        j = i
        while j < len(chars) and font.getlength("".join(chars[i : j + 1])) <= avail:
            j += 1
        j = max(j, i + 1)
        # hang closing punctuation rather than start a line with it
        while j < len(chars) and chars[j] in NO_LINE_START and j - i < 80:
            j += 1
        lines.append(Line(chars[i:j], kinds[i:j], indent=first, para_start=first))
        first = False
        i = j
    return lines


def _wrap_en(chars: list[str], kinds: list[str], font: Any, width: float, indent_px: float) -> list[Line]:
    text = "".join(chars)
    lines: list[Line] = []
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    i = 0
    first = True
    while i < len(words):
        avail = width - (indent_px if first else 0)
        j = i + 1
        while j < len(words) and font.getlength(text[words[i][0] : words[j][1]]) <= avail:
            j += 1
        a, b = words[i][0], words[j - 1][1]
        lines.append(Line(chars[a:b], kinds[a:b], indent=first, para_start=first))
        first = False
        i = j
    return lines


@dataclass
class Page:
    """A laid-out page: the columns' lines and the texts derived from them."""

    spec: PageSpec
    columns: list[list[Line]]
    header: tuple[str, str, str]
    headline_lines: list[str]
    truth: str
    layout: str
    spans: list[dict[str, Any]]
    geometry: dict[str, Any]


_ZH_SUBHEAD = re.compile(r"^(?:第[一二三四五六七八九十]+，|[一二三四五六七八九十]+是|（[一二三四五六七八九十]+）)")


def _plan_section(
    spec: PageSpec, paras: list[str], dup_at: int | None, dup_gap: int, zh: bool, room: float
) -> tuple[int | None, list[str]]:
    """Where a doubled section goes, and its first, cut-off copy (none unless ``spec.dup_section``).

    The copy of one to three paragraphs comes first and breaks off mid-sentence, and the
    full run follows: what a page pasted up twice, or two overlapping scans, leave.
    """
    if not spec.dup_section:
        return None, []
    rng = random.Random(spec.seed + 1)
    first = 1 if dup_at is None else dup_at + dup_gap + 2
    budget = 420 if zh else 1100
    # both copies on the page: the run starts early enough
    cands = [k for k in range(first, first + 4) if sum(map(len, paras[:k])) + 2 * budget < room] or [first]
    if zh:
        # a sub-heading starts the run when there is one
        heads = [k for k in cands if _ZH_SUBHEAD.match(paras[k])]
        cands = heads or cands
    at = rng.choice(cands)
    n = rng.randint(1, 3)
    run = paras[at : at + n]
    while len(run) > 1 and sum(map(len, run)) > budget:
        run = run[:-1]
    last = run[-1]
    # cut the last copied paragraph away from any sentence end
    cut = rng.randint(int(len(last) * 0.3), max(int(len(last) * 0.3) + 1, int(len(last) * 0.8)))
    while cut < len(last) and (last[cut - 1] in "。！？；.!?;:" or last[cut - 1].isspace()):
        cut += 1
    if not zh:
        cut = last.rfind(" ", 0, cut) if " " in last[:cut] else cut
    return at, [*run[:-1], last[:cut].rstrip()]


def layout_page(spec: PageSpec) -> Page:
    """Lay out ``spec``: wrap, flow into columns, inject faults, derive truth and layout text."""
    rng = random.Random(spec.seed)
    zh = spec.lang == "zh"
    body_px = rng.choice([40, 42]) if zh else rng.choice([36, 38])
    fonts = Fonts(spec.lang, body_px)
    line_h = round(body_px * (1.55 if zh else 1.45))
    col_w = (PAGE_W - 2 * MARGIN_X - (spec.ncols - 1) * COLUMN_GAP) / spec.ncols
    indent_px = 2 * body_px if zh else 2.2 * body_px
    wrap = _wrap_zh if zh else _wrap_en

    # Header furniture.
    date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
    if zh:
        header = (
            f"{rng.choice(ZH_PAPERS)}",
            f"{date.year}年{date.month}月{date.day}日 星期{ZH_WEEKDAYS[date.weekday()]}",
            f"第{spec.page_no}版  {rng.choice(ZH_SECTIONS)}",
        )
    else:
        header = (
            rng.choice(EN_PAPERS),
            f"{date.strftime('%A')}, {date.strftime('%B')} {date.day}, {date.year}",
            f"Page {spec.page_no}",
        )

    # Headline (part of the truth), wrapped across the full text width.
    headline_lines: list[str] = []
    hl_chars = list(spec.headline)
    hl_lines = (_wrap_zh if zh else _wrap_en)(
        hl_chars, [BODY] * len(hl_chars), fonts.headline, PAGE_W - 2 * MARGIN_X - 200, 0
    )
    headline_lines = ["".join(ln.chars) for ln in hl_lines]
    header_y = MARGIN_TOP
    rule_y = header_y + 60
    headline_y = rule_y + 50
    body_y = headline_y + len(headline_lines) * 110 + 60
    rows = (PAGE_H - MARGIN_BOTTOM - body_y) // line_h

    # The flow: paragraphs, with the jump-in marker and the doubled paragraph.
    flow: list[tuple[list[str], list[str], bool]] = []  # chars, kinds, italic line
    paras = list(spec.paragraphs)
    cont_from = spec.page_no - 1
    if spec.top_marker and zh:
        marker = f"【紧接第{cont_from}版】"
        first = marker + paras[0]
        flow.append((list(first), [MARKER] * len(marker) + [BODY] * len(paras[0]), False))
        paras = paras[1:]
    elif spec.top_marker:
        marker = f"(Continued from page {cont_from})"
        flow.append((list(marker), [MARKER] * len(marker), True))
    dup_at = None
    per_line = col_w / body_px if zh else col_w / (0.5 * body_px)
    room = 0.6 * rows * spec.ncols * per_line
    if spec.dup_paragraph:
        # a short-to-medium paragraph near the top, so that both copies are on the page
        cands = [
            k
            for k in range(1, 6)
            if 40 <= len(paras[k]) <= (260 if zh else 700) and sum(map(len, paras[: k + 2])) + len(paras[k]) < room
        ]
        dup_at = rng.choice(cands) if cands else 0
    dup_gap = rng.choice([0, 0, 1])
    sec_at, sec_copy = _plan_section(spec, paras, dup_at, dup_gap, zh, room)
    for k, p in enumerate(paras):
        if k == sec_at:
            for q in sec_copy:
                flow.append((list(q), [DUP_SECTION] * len(q), False))
        flow.append((list(p), [BODY] * len(p), False))
        if dup_at is not None and k == dup_at + dup_gap:
            q = paras[dup_at]
            flow.append((list(q), [DUP_PARAGRAPH] * len(q), False))

    lines: list[Line] = []
    for chars, kinds, italic in flow:
        if italic:
            lines.append(Line(chars, kinds, para_start=True, italic=True))
            continue
        lines.extend(wrap(chars, kinds, fonts.body, col_w, indent_px))
    capacity = rows * spec.ncols - (1 if spec.bottom_marker else 0)
    lines = lines[:capacity]
    if spec.dup_paragraph and not any(DUP_PARAGRAPH in ln.kinds for ln in lines):
        raise ValueError(f"{spec.name}: doubled paragraph fell off the page")
    if sec_copy and not any(DUP_SECTION in ln.kinds for ln in lines):
        raise ValueError(f"{spec.name}: doubled section fell off the page")
    if spec.bottom_marker:
        text = f"（下转第{spec.page_no + 1}版）" if zh else f"Continued on page {spec.page_no + 1}"
        lines.append(Line(list(text), [MARKER] * len(text), para_start=True, align_right=True, italic=not zh))
        # the marker sits on the last row of the last column
        while len(lines) < rows * spec.ncols:
            lines.insert(len(lines) - 1, Line([], []))
    columns = [lines[c * rows : (c + 1) * rows] for c in range(spec.ncols)]

    # Doubled strip: the overlap of two stitched scan tiles repeats a band of rows.
    strip: dict[str, Any] | None = None
    if spec.dup_strip:
        band = rng.randint(2, 4)
        row = rng.randint(rows // 5, rows - rows // 5 - band)
        cols = list(range(spec.ncols)) if spec.dup_strip == "all-columns" else [rng.randrange(spec.ncols)]
        for c in cols:
            copies = []
            for ln in columns[c][row : row + band]:
                copies.append(
                    Line(list(ln.chars), [DUP_STRIP] * len(ln.chars), ln.indent, False, ln.align_right, ln.italic)
                )
            columns[c][row + band : row + band] = copies
        for c in range(spec.ncols):
            if c not in cols:
                # the other columns keep their rows: pad below so all columns stay one height
                columns[c].extend(Line([], []) for _ in range(band))
        strip = {"row": row, "rows": band, "columns": cols}

    # Truth: headline + body paragraphs (in the order printed, faults and furniture dropped).
    truth_paras: list[str] = ["".join(headline_lines) if zh else " ".join(headline_lines)]
    for ln in lines:
        body = "".join(ch for ch, k in zip(ln.chars, ln.kinds, strict=True) if k == BODY)
        if not body:
            continue
        if ln.para_start or not truth_paras:
            truth_paras.append(body)
        else:
            truth_paras[-1] += body if zh else " " + body
    # the jump-in marker line of English pages is its own paragraph; drop empty leftovers
    truth = "\n\n".join(p.strip() for p in truth_paras if p.strip()) + "\n"

    # Layout text in reading order, with spans of everything that is not body.
    segs: list[Seg] = [Seg("   ".join(header), HEADER), Seg("\n\n", BODY)]
    segs.append(Seg("\n".join(headline_lines), BODY))
    for col in columns:
        segs.append(Seg("\n\n", BODY))
        started = False
        for ln in col:
            if not ln.chars:
                continue
            if ln.para_start and started:
                segs.append(Seg("\n", BODY))
            started = True
            run_kind = None
            run: list[str] = []
            for ch, kind in zip(ln.chars, ln.kinds, strict=True):
                if kind != run_kind and run:
                    segs.append(Seg("".join(run), run_kind or BODY))
                    run = []
                run_kind = kind
                run.append(ch)
            if run:
                segs.append(Seg("".join(run), run_kind or BODY))
            segs.append(Seg("\n", BODY))
    layout_parts: list[str] = []
    spans: list[dict[str, Any]] = []
    pos = 0
    for s in segs:
        if s.kind != BODY:
            so_far = "".join(layout_parts)
            if spans and spans[-1]["kind"] == s.kind and so_far[spans[-1]["end"] : pos].strip() == "":
                # one fault spans several printed lines: one span, line breaks included
                spans[-1]["end"] = pos + len(s.text)
                spans[-1]["text"] = so_far[spans[-1]["start"] : pos] + s.text
            else:
                spans.append({"kind": s.kind, "start": pos, "end": pos + len(s.text), "text": s.text})
        layout_parts.append(s.text)
        pos += len(s.text)
    layout = "".join(layout_parts)
    geometry = {
        "page_px": [PAGE_W, body_y + rows * line_h + (strip["rows"] * line_h if strip else 0) + MARGIN_BOTTOM],
        "columns": spec.ncols,
        "rows": rows,
        "body_px": body_px,
        "line_px": line_h,
        "column_px": round(col_w),
        "body_y": body_y,
        "header_y": header_y,
        "rule_y": rule_y,
        "headline_y": headline_y,
        "column_rules": rng.random() < 0.6,
        "dup_strip": strip,
        "scan": scan_params(rng),
    }
    page = Page(spec, columns, header, headline_lines, truth, layout, spans, geometry)
    _check(page)
    return page


def strip_faults(layout: str, spans: list[dict[str, Any]]) -> str:
    """``layout`` without furniture and injected duplicates (should equal the truth)."""
    out = []
    pos = 0
    for s in sorted(spans, key=lambda s: s["start"]):
        out.append(layout[pos : s["start"]])
        pos = s["end"]
    out.append(layout[pos:])
    return "".join(out)


def _squash(text: str, lang: str) -> str:
    return re.sub(r"\s+", "" if lang == "zh" else " ", text).strip()


def _check(page: Page) -> None:
    # The faults and furniture are exactly what separates the layout from the truth.
    a = _squash(strip_faults(page.layout, page.spans), page.spec.lang)
    b = _squash(page.truth, page.spec.lang)
    if a != b:
        raise AssertionError(f"{page.spec.name}: layout minus faults != truth")
    for s in page.spans:
        if page.layout[s["start"] : s["end"]] != s["text"]:
            raise AssertionError(f"{page.spec.name}: bad span {s}")


# --------------------------------------------------------------------------- drawing


def draw_page(page: Page) -> Any:
    """The page as a greyscale Pillow image (a clean 300 dpi print, lightly blurred)."""
    from PIL import Image, ImageDraw, ImageFilter

    spec, g = page.spec, page.geometry
    fonts = Fonts(spec.lang, g["body_px"])
    w, h = g["page_px"]
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    left, mid, right = page.header
    y = g["header_y"]
    d.text((MARGIN_X, y), left, font=fonts.header, fill=0)
    d.text(((w - fonts.header.getlength(mid)) / 2, y), mid, font=fonts.header, fill=0)
    d.text((w - MARGIN_X - fonts.header.getlength(right), y), right, font=fonts.header, fill=0)
    d.line([(MARGIN_X, g["rule_y"]), (w - MARGIN_X, g["rule_y"])], fill=0, width=4)
    y = g["headline_y"]
    for hl in page.headline_lines:
        d.text(((w - fonts.headline.getlength(hl)) / 2, y), hl, font=fonts.headline, fill=0)
        y += 110
    col_w = g["column_px"]
    body_px = g["body_px"]
    for c, col in enumerate(page.columns):
        x0 = MARGIN_X + c * (col_w + COLUMN_GAP)
        for r, ln in enumerate(col):
            if not ln.chars:
                continue
            text = "".join(ln.chars)
            font = fonts.italic if ln.italic else fonts.body
            yy = g["body_y"] + r * g["line_px"]
            if ln.align_right:
                x = x0 + col_w - font.getlength(text)
            else:
                x = x0 + (2 * body_px if spec.lang == "zh" else 2.2 * body_px) * ln.indent
            d.text((x, yy), text, font=font, fill=0)
        if g["column_rules"] and c > 0:
            xr = x0 - COLUMN_GAP / 2
            d.line([(xr, g["body_y"]), (xr, h - MARGIN_BOTTOM)], fill=0, width=2)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    return degrade(img, g["scan"], spec.seed)


def scan_params(rng: random.Random) -> dict[str, float]:
    """How worn the scan of one page is: resolution lost, noise, binarisation, skew."""
    return {
        "resample": rng.choice([0.5, 0.55, 0.6]),
        "noise_sigma": 25.0,
        "threshold": rng.choice([0.0, 0.0, 165.0]),
        "skew_deg": round(rng.uniform(-0.4, 0.4), 2),
    }


def degrade(img: Any, scan: dict[str, float], seed: int) -> Any:
    """A print as a worn scanner sees it: skewed, blurred by low resolution, noisy, maybe binarised.

    Tuned so that tesseract's recognition error stays around 1% (a cliff follows below
    a resample factor of about 0.47, where whole lines vanish).
    """
    import numpy as np
    from PIL import Image

    w, h = img.size
    img = img.rotate(scan["skew_deg"], resample=Image.Resampling.BICUBIC, fillcolor=255)
    small = (int(w * scan["resample"]), int(h * scan["resample"]))
    img = img.resize(small, Image.Resampling.BILINEAR).resize((w, h), Image.Resampling.BILINEAR)
    rs = np.random.default_rng(seed)
    a = np.asarray(img, dtype=float) + rs.normal(0.0, scan["noise_sigma"], (h, w))
    if scan["threshold"]:
        a = np.where(a < scan["threshold"], 0.0, 255.0)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


# --------------------------------------------------------------------------- main


def write_page(page: Page, images: Path | None, data: Path) -> None:
    """Write the page's texts (and its image when ``images`` is given)."""
    name = page.spec.name
    (data / f"{name}.truth.txt").write_text(page.truth, encoding="utf-8")
    (data / f"{name}.layout.txt").write_text(page.layout, encoding="utf-8")
    spec = page.spec
    meta: dict[str, Any] = {
        "name": name,
        "lang": spec.lang,
        "source": spec.source,
        "seed": spec.seed,
        "page_no": spec.page_no,
        "header": list(page.header),
        "headline": spec.headline,
        "faults": [s for s in page.spans if s["kind"] in FAULTS],
        "furniture": [s for s in page.spans if s["kind"] in (HEADER, MARKER)],
        "geometry": page.geometry,
        "ocr": {"image": f"{name}.png", "languages": "chi_sim" if spec.lang == "zh" else "eng"},
    }
    meta_path = data / f"{name}.meta.json"
    if meta_path.exists():
        # keep the provenance ocr.py recorded, so re-rendering alone leaves the meta unchanged
        old = json.loads(meta_path.read_text(encoding="utf-8")).get("ocr", {})
        meta["ocr"].update({k: v for k, v in old.items() if k in ("engine", "command")})
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if images is not None:
        draw_page(page).save(images / f"{name}.png", dpi=(300, 300))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--images", type=Path, help="directory for the page images (PNG, 300 dpi)")
    ap.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "ocr-dev")
    ap.add_argument("--zh", type=int, default=12, help="number of Chinese pages")
    ap.add_argument("--en", type=int, default=8, help="number of English pages")
    ap.add_argument("--seed", type=int, default=20240531)
    ap.add_argument("--only", nargs="*", help="page names to render (default: all)")
    args = ap.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    if args.images:
        args.images.mkdir(parents=True, exist_ok=True)
    for spec in plan_pages(args.zh, args.en, args.seed):
        if args.only and spec.name not in args.only:
            continue
        page = layout_page(spec)
        write_page(page, args.images, args.data)
        faults = ", ".join(s["kind"] for s in page.spans if s["kind"] in FAULTS) or "none"
        print(f"{spec.name}: {spec.ncols} columns, {len(_squash(page.truth, spec.lang))} chars, faults: {faults}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
