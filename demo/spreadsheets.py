"""Writing OpenDocument spreadsheets (``.ods``) in the layout the Home Office publishes its CSP
tables in, for the demo, the tests and the benchmarks: no spreadsheet program or odfpy needed.
Rows are written as they come, so a file of millions of rows never sits in memory; numbers are
float cells, everything else text, and a blank cell is left empty."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)
_TAIL = "</office:spreadsheet></office:body></office:document-content>"
# What spreadsheet programs write after the last row: one blank row "repeated" to the sheet's end.
_TRAILING_BLANK = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'


def _cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: Mapping[str, Iterable[Iterable[object]]]) -> Path:
    """Write ``sheets`` ({name: rows}) to ``path`` in order, each ending as spreadsheet
    programs end them (a trailing blank row repeated a million times)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        with archive.open("content.xml", "w", force_zip64=True) as content:
            content.write(_HEAD.encode())
            for name, rows in sheets.items():
                content.write(f"<table:table table:name={quoteattr(name)}>".encode())
                for row in rows:
                    content.write(("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>").encode())
                content.write((_TRAILING_BLANK + "</table:table>").encode())
            content.write(_TAIL.encode())
    return path
