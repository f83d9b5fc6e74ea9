"""Recalculate a workbook with LibreOffice, headless, in a private profile.

The profile tells Calc to recalculate OOXML files on load (OOXMLRecalcMode 0: always), so the
converted copy holds the values LibreOffice computed, not the cached ones we wrote.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise AssertionError("LibreOffice (soffice) is not installed; CI installs "
                             "libreoffice-calc-nogui (see .ci/run)")
    return found


def recalculate(workbooks: list[Path], work: Path) -> list[Path]:
    """Copies of `workbooks` recalculated by LibreOffice (one run for all), in `work`/out."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    out = work / "out"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
         *map(str, workbooks)],
        check=True, capture_output=True, timeout=300,
    )
    results = [out / workbook.name for workbook in workbooks]
    for result in results:
        assert result.exists(), f"LibreOffice wrote nothing for {result.name}"
    return results
