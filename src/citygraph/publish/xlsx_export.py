"""citygraph.xlsx: the three tables (ties, places, events) as sheets of one workbook, for spreadsheets.

Written with openpyxl in write-only mode (fast on the world build). An .xlsx is a zip, and
openpyxl stamps both the document properties and every zip entry with the current time; so
the properties get the release date (dcterms:modified rewritten after saving), and the archive is rewritten with every entry dated
1980-01-01 (the zip epoch) in the same order: the same input gives the same bytes.
Cells hold text, except the columns the CSVW metadata declares integers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from . import csv_export
from .tables import Tables

NAME = "citygraph.xlsx"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
SHEETS = {"ties": "ties.csv", "places": "places.csv", "events": "events.csv"}


def _cell(value, datatype):
    if datatype == "integer" and value not in ("", None):
        return int(value)
    return value


def workbook_bytes(t: Tables, date: dt.date) -> bytes:
    wb = Workbook(write_only=True)
    stamp = dt.datetime(date.year, date.month, date.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "citygraph contributors"
    wb.properties.title = "citygraph: ties, places, events"
    for sheet, table in SHEETS.items():
        columns = csv_export.TABLES[table][0]
        ws = wb.create_sheet(sheet)
        ws.append([c.name for c in columns])
        for row in csv_export.rows_of(t, table):
            ws.append([_cell(row.get(c.name, ""), c.datatype) for c in columns])
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _fixed_zip(data: bytes, stamp: str) -> bytes:
    """The same archive with every entry dated ZIP_EPOCH and the document modified at `stamp`.

    openpyxl dates the zip entries and dcterms:modified with the clock whatever is set.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(lambda m: m.group(1) + stamp.encode() + m.group(2), body)
            dst.writestr(fixed, body)
    return out.getvalue()


def write(t: Tables, folder: Path, date: dt.date) -> None:
    (Path(folder) / NAME).write_bytes(workbook_bytes(t, date))
