"""The one WKT point reader (citygraph.wkt) and what its callers make of a point."""

from __future__ import annotations

import pytest

from citygraph.wkt import parse_point, read_point, wkt_literal_text


@pytest.mark.parametrize("text, lon, lat", [
    ("POINT(118.77778 32.06167)", "118.77778", "32.06167"),           # GeoSPARQL, as the graph writes it
    ("Point(136.90641 35.18147)", "136.90641", "35.18147"),           # Wikidata's spelling
    ("  point ( -90.2 38.63 ) ", "-90.2", "38.63"),                    # case and spaces
    ("POINT(1.5e2 -3.25E1)", "1.5e2", "-3.25E1"),                      # exponents
    ("POINT(+10 .5)", "+10", ".5"),
])
def test_a_point_is_read_with_its_numbers_as_written(text, lon, lat):
    point = read_point(text)
    assert point is not None
    assert (point.lon, point.lat, point.crs) == (lon, lat, None)
    assert parse_point(text) == (float(lon), float(lat))


def test_a_crs_iri_before_the_point_is_kept_apart():
    moon = "<http://www.wikidata.org/entity/Q405> Point(23.47 0.67)"
    point = read_point(moon)
    assert point is not None and point.crs == "http://www.wikidata.org/entity/Q405"
    assert point.lonlat == (23.47, 0.67)


@pytest.mark.parametrize("text", [
    "", "POINT()", "POINT(1)", "POINT(1 2 3)", "LINESTRING(1 2, 3 4)", "POINT(a b)",
    "POINT(1 2) trailing", "POINT(1..2 3)", "POINT(- 3)",
])
def test_what_is_not_one_point_is_none(text):
    assert read_point(text) is None
    assert parse_point(text) is None


def test_none_is_no_point():
    assert read_point(None) is None


@pytest.mark.parametrize("text, on", [("POINT(180 90)", True), ("POINT(-180 -90)", True),
                                      ("POINT(181 0)", False), ("POINT(0 -90.5)", False)])
def test_on_globe_checks_longitude_and_latitude_ranges(text, on):
    point = read_point(text)
    assert point is not None and point.on_globe is on


def test_the_literal_text_round_trips():
    text = wkt_literal_text("118.77778", "32.06167")
    assert text == "POINT(118.77778 32.06167)"
    point = read_point(text)
    assert point is not None and (point.lon, point.lat) == ("118.77778", "32.06167")


def test_pictures_leave_out_points_off_the_globe():
    from citygraph.pictures.facts import parse_point as picture_point

    assert picture_point("POINT(118.7 32.0)") == (118.7, 32.0)
    assert picture_point("POINT(200 32.0)") is None


def test_the_wikidata_results_import_refuses_a_point_on_another_globe(cli, tmp_path):
    src = tmp_path / "moon.tsv"
    src.write_text(
        "?item\t?twin\t?itemCoord\n"
        "<http://www.wikidata.org/entity/Q16666>\t<http://www.wikidata.org/entity/Q11751>\t"
        '"<http://www.wikidata.org/entity/Q405> Point(23.47 0.67)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>\n')
    out = tmp_path / "out.ttl"
    r = cli("import", "wikidata-results", src, "--out", out)
    assert r.exit_code == 2, r.stderr
    assert "moon.tsv" in r.stderr and "?itemCoord" in r.stderr and "not a WKT point" in r.stderr
    assert not out.exists()
