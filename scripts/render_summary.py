"""Render a workbook's Summary sheet to a PNG with LibreOffice (workbook -> PDF -> PNG).

    python scripts/render_summary.py [WORKBOOK.xlsx] [--out docs/summary.png]

Without a workbook it plans the rich test inventory (tests/factories.py) and renders that.
Needs LibreOffice (soffice) and poppler-utils (pdftoppm).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DPI = 110
# Every page, without the cells' notes (they would print as icons over the tables); the
# Summary's first page is found by its title (the Read me sheet comes before it).
NO_NOTES = '{"ExportNotes":{"type":"boolean","value":"false"}}'
SUMMARY_TITLE = "KMS encryption plan: budget review"


def sample_workbook(folder: Path) -> Path:
    from planner.plan import PlanSettings, build_plan
    from planner.report.workbook import write_workbook
    from planner.usage import load_usage
    from pricing import load_price_book
    from tests.factories import rich_inventory

    plan = build_plan(rich_inventory(), PlanSettings(), load_usage(), load_price_book())
    path = folder / "summary.xlsx"
    write_workbook(plan, path)
    return path


def render(workbook: Path, png: Path, folder: Path) -> None:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("render_summary: needs soffice (libreoffice-calc-nogui) and pdftoppm "
                 "(poppler-utils)")
    profile = folder / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", f"pdf:calc_pdf_Export:{NO_NOTES}",
                    "--outdir", str(folder), str(workbook)], check=True, capture_output=True,
                   timeout=300)
    pdf = folder / (workbook.stem + ".pdf")
    page = summary_page(pdf)
    size = content_size(pdf, page)
    crop = ["-x", "0", "-y", "0", "-W", str(size[0]), "-H", str(size[1])] if size else []
    subprocess.run([pdftoppm, "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", *crop, str(pdf), str(png.with_suffix(""))], check=True)


def summary_page(pdf: Path) -> int:
    """The first page with the Summary's title (1 when pdftotext is missing)."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return 1
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if SUMMARY_TITLE in page:
            return number
    sys.exit(f"render_summary: no page of {pdf.name} has the Summary's title")


WORD = re.compile(r'<word xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">'
                  r"([^<]*)</word>")


def content_size(pdf: Path, page: int) -> tuple[int, int] | None:
    """The page's width, and the pixels from its top to just below its lowest word above the
    printed footer (the line with "Page N of M"), so the PNG has no footer and no empty half
    page."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return None
    text = subprocess.run([pdftotext, "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    found = re.search(r'<page width="([0-9.]+)"', text)
    words = [(float(top), float(bottom), word) for top, bottom, word in WORD.findall(text)]
    if not found or not words:
        return None
    pages = [top for top, _, word in words if word == "Page"]
    footer = max(pages) if pages else float("inf")
    bottoms = [bottom for top, bottom, _ in words if top < footer - 1]
    return int(float(found[1]) * DPI / 72), int(max(bottoms) * DPI / 72) + 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "summary.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workbook = args.workbook or sample_workbook(folder)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        render(workbook.resolve(), args.out, folder)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
