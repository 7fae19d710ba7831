"""citygraph.xlsx: the three tables (ties, places, events) as sheets of one workbook, for spreadsheets.

Written with XlsxWriter in constant-memory mode (the world build's 20k ties take seconds).
XlsxWriter gives byte-identical files when the document's creation date is fixed: it is set to
the release date, never the clock. Cells are text as in the CSV (no guessing of numbers,
URLs or formulas: a cell "=1+1" stays text), except the columns the CSVW metadata declares
integers, which are numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import xlsxwriter

from . import csv_export
from .tables import Tables

NAME = "citygraph.xlsx"
SHEETS = {"ties": "ties.csv", "places": "places.csv", "events": "events.csv"}
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False, "strings_to_formulas": False}


def _cell(value, datatype):
    if datatype == "integer" and value not in ("", None):
        return int(value)
    return value


def workbook_bytes(t: Tables, date: dt.date) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, OPTIONS)
    wb.set_properties({"title": "citygraph: ties, places, events", "author": "citygraph contributors",
                       "created": dt.datetime(date.year, date.month, date.day)})
    for sheet, table in SHEETS.items():
        columns = csv_export.TABLES[table][0]
        ws = wb.add_worksheet(sheet)
        ws.write_row(0, 0, [c.name for c in columns])
        for i, row in enumerate(csv_export.rows_of(t, table), start=1):
            ws.write_row(i, 0, [_cell(row.get(c.name, ""), c.datatype) for c in columns])
    wb.close()
    return buf.getvalue()


def write(t: Tables, folder: Path, date: dt.date) -> None:
    (Path(folder) / NAME).write_bytes(workbook_bytes(t, date))
