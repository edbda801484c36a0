#!/usr/bin/env python3
"""OCR the rendered development-set pages with Debian's tesseract (chi_sim / eng, --psm 3).

Writes ``NAME.ocr.txt`` (tesseract's plain-text output, untouched) beside the truth files
and records the tesseract version and command in ``NAME.meta.json``.  Needs the Debian
packages tesseract-ocr, tesseract-ocr-chi-sim and tesseract-ocr-eng.

Usage::

    python benchmarks/ocr_devset/ocr.py --images /tmp/ocr-dev-img --data tests/data/ocr-dev
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tesseract_version() -> str:
    """First line of ``tesseract --version`` (e.g. ``tesseract 5.3.0``)."""
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def ocr_page(image: Path, lang: str, psm: int = 3) -> str:
    """Tesseract's text for ``image``; one thread per process so two pages run side by side."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "out"
        subprocess.run(
            ["tesseract", str(image), str(base), "-l", lang, "--psm", str(psm)],
            capture_output=True,
            check=True,
            env=env,
        )
        return (base.with_suffix(".txt")).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--images", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "ocr-dev")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", nargs="*", help="page names to OCR (default: all)")
    args = ap.parse_args(argv)
    version = tesseract_version()
    metas = sorted(args.data.glob("*.meta.json"))
    if args.only:
        metas = [m for m in metas if m.name.removesuffix(".meta.json") in args.only]

    def one(meta_path: Path) -> str:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        name = str(meta["name"])
        lang = str(meta["ocr"]["languages"])
        text = ocr_page(args.images / meta["ocr"]["image"], lang)
        (args.data / f"{name}.ocr.txt").write_text(text, encoding="utf-8")
        meta["ocr"].update({"engine": version, "command": f"tesseract {name}.png {name} -l {lang} --psm 3"})
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return name

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name in pool.map(one, metas):
            print(name, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
