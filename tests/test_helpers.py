"""The one-per-job helpers: atomic writes, key order, date precision, formats, namespaces."""

from __future__ import annotations

import os
import stat

import pyoxigraph as ox
import pytest

from citygraph import ids, precision
from citygraph.errors import BadInput
from citygraph.io import atomic, formats
from citygraph.namespaces import CG, DCTERMS, PREFIXES, XSD, Namespace, sparql_prefixes

# --- atomic -------------------------------------------------------------------------------------


def test_write_bytes_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_write_gives_a_plain_files_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        path = atomic.write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        atomic.write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_write_names_the_option_when_the_target_is_wrong(tmp_path):
    with pytest.raises(BadInput, match="--quickstatements .*is a folder"):
        atomic.write_bytes(tmp_path, b"x", option="--quickstatements")
    with pytest.raises(BadInput, match="--out .*does not exist"):
        atomic.write_bytes(tmp_path / "missing" / "x.ttl", b"x")
    assert atomic.write_bytes(tmp_path / "made" / "x.ttl", b"x", make_parents=True).read_bytes() == b"x"


# --- ids ----------------------------------------------------------------------------------------


def test_key_order_puts_qids_in_number_order_then_other_keys():
    keys = ["Q16666", "nanjing-port", "Q9", "Q11751", "Q10", "bien-hoa"]
    assert sorted(keys, key=ids.key_order) == ["Q9", "Q10", "Q11751", "Q16666", "bien-hoa", "nanjing-port"]


def test_pair_order_is_one_orientation_for_both_directions():
    assert ids.ordered_pair("Q16666", "Q11751") == ids.ordered_pair("Q11751", "Q16666") == ("Q11751", "Q16666")
    assert ids.pair_key("Q16666", "Q9") == "Q9-Q16666"  # by number, not by text
    with pytest.raises(BadInput):
        ids.pair_key("Q9", "Q9")


# --- precision ----------------------------------------------------------------------------------


@pytest.mark.parametrize("wikidata, stated, literal", [
    (7, precision.YEAR, ox.Literal("1978", datatype=XSD.gYear)),  # a century is kept as its year
    (9, precision.YEAR, ox.Literal("1978", datatype=XSD.gYear)),
    (10, precision.MONTH, ox.Literal("1978-12", datatype=XSD.gYearMonth)),
    (11, precision.DAY, ox.Literal("1978-12-21", datatype=XSD.date)),
    (14, precision.DAY, ox.Literal("1978-12-21", datatype=XSD.date)),  # seconds: a day is what we state
])
def test_one_precision_table(wikidata, stated, literal):
    assert precision.from_wikidata(wikidata) == stated
    assert precision.literal("1978", "12", "21", stated) == literal
    assert precision.BY_DATATYPE[literal.datatype.value] == stated


# --- formats ------------------------------------------------------------------------------------


def test_the_query_formats_are_the_ones_the_writers_know():
    from citygraph.query.results import FORMATS

    assert tuple(FORMATS) == formats.QUERY_OUTPUTS


def test_the_rdf_loader_and_the_dumps_take_their_formats_from_the_table():
    from citygraph.load.rdfio import FORMATS_BY_SUFFIX
    from citygraph.publish.dump import MEDIA_TYPES

    assert FORMATS_BY_SUFFIX[".ttl"] == ox.RdfFormat.TURTLE and FORMATS_BY_SUFFIX[".json"] == ox.RdfFormat.JSON_LD
    assert FORMATS_BY_SUFFIX[".xml"] == ox.RdfFormat.RDF_XML
    assert MEDIA_TYPES == {"citygraph.ttl": "text/turtle", "citygraph.nt": "application/n-triples",
                           "citygraph.jsonld": "application/ld+json", "citygraph.trig": "application/trig"}
    assert formats.by_suffix("results")[".srj"].name == "json"  # .json is JSON-LD for RDF, results for results
    # the media types pyoxigraph knows agree with the table's
    for f in formats.TABLE:
        if f.rdf is not None:
            assert f.rdf.media_type == f.media_type, f.name


# --- namespaces ---------------------------------------------------------------------------------


def test_namespace_members_are_pyoxigraph_terms_and_the_namespace_its_base():
    assert CG.party == CG["party"] == ox.NamedNode("https://w3id.org/citygraph/ontology#party")
    assert DCTERMS.title == ox.NamedNode("http://purl.org/dc/terms/title")  # not str.title
    assert str(CG) == "https://w3id.org/citygraph/ontology#" and type(PREFIXES["cg"]) is str
    assert f"?p {CG.party} ?o" == "?p <https://w3id.org/citygraph/ontology#party> ?o"
    assert Namespace("http://example.org/").a == ox.NamedNode("http://example.org/a")


def test_sparql_prefixes_are_one_line_each_in_order():
    assert sparql_prefixes({"cg": PREFIXES["cg"], "xsd": PREFIXES["xsd"]}) == (
        "PREFIX cg: <https://w3id.org/citygraph/ontology#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
