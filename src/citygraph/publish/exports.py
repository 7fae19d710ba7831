"""The exports for people without RDF, written by the build: CSV + CSVW, Excel, GeoJSON, ties.json.

All come from one set of tables (publish/tabular/tables.py) read from the built store once; "status"
is the status on the release date (publish/release.py), never on the clock's date.
"""

from __future__ import annotations

from pathlib import Path

from . import release
from .tabular import csv_export, geojson_export, tables, ties_json, xlsx_export


def write(built, folder: Path) -> None:
    """Write ties/places/events CSV with CSVW metadata, citygraph.xlsx, ties.geojson and ties.json into `folder`."""
    date = release.current(built.store).date
    t = tables.tables(built, date)
    folder = Path(folder)
    csv_export.write(t, folder)
    xlsx_export.write(t, folder, date)
    geojson_export.write(t, folder)
    ties_json.write(t, tables.asserted_types(built.store, built.data_graphs), folder)
