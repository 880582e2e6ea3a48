"""Fill cells of a workbook in LibreOffice and save it as .xlsx, as an officer would.

Run with the system Python that has LibreOffice's UNO bridge (Debian's python3-uno):
    /usr/bin/python3 libreoffice_fill.py IN.xlsx OUT.xlsx EDITS.json PROFILE_DIR
EDITS.json is {"Sheet": {"D3": "apologies", "A7": 4, ...}}: strings are typed as text,
numbers as numbers. LibreOffice runs headless with its own profile, opens the file, sets the
cells, and stores it with its Excel 2007-365 filter.
"""

import contextlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe, office):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(120):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if office.poll() is not None:
                raise SystemExit(f"soffice exited with {office.returncode}") from None
            time.sleep(0.5)
    raise SystemExit("could not connect to LibreOffice")


def main(source, target, edits_file, profile):
    edits = json.loads(Path(edits_file).read_text())
    pipe = f"scrutiny-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        context = connect(pipe, office)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        doc = desktop.loadComponentFromURL(
            Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),)
        )
        for sheet_name, cells in edits.items():
            sheet = doc.Sheets.getByName(sheet_name)
            for address, value in cells.items():
                cell = sheet.getCellRangeByName(address)
                if isinstance(value, str):
                    cell.setString(value)
                else:
                    cell.setValue(value)
        doc.storeToURL(
            Path(target).resolve().as_uri(),
            (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)),
        )
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge closes as LibreOffice quits
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:5])
