"""The fast checker's verdict on ill-typed literals is rdflib's (what pyshacl's sh:datatype uses),
for the datatypes it decides without importing rdflib: each lexical form of a corpus of edge cases
(signs, spaces, underscores, other scripts' digits, ranges, special floats, booleans) against
`rdflib.Literal(lexical, datatype=dt).ill_typed`, asked in a fresh process: owlrl, once it has
reasoned in a process, teaches rdflib more datatypes (gYear…), so rdflib's verdict in this test
process would depend on which tests ran before."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import warnings

import pytest
import rdflib

from citygraph.validate import fastshacl

XSD = "http://www.w3.org/2001/XMLSchema#"
MIRRORED = [XSD + n for n in (
    "integer", "long", "nonPositiveInteger", "nonNegativeInteger", "negativeInteger", "positiveInteger", "int",
    "unsignedLong", "short", "unsignedInt", "byte", "unsignedShort", "unsignedByte", "decimal", "float", "double",
    "boolean", "string", "normalizedString", "token", "language", "anyURI")]
UNKNOWN_TO_RDFLIB = [XSD + "gYear", XSD + "gYearMonth", XSD + "gMonthDay", "http://www.opengis.net/ont/geosparql#wktLiteral",
                     "https://example.org/my-datatype"]
ASKED = [XSD + "date", XSD + "dateTime", XSD + "duration"]  # decided by rdflib itself
CORPUS = ["", " ", "0", "1", "-1", "+5", "-0", " 7 ", "\t8\n", "1_000", "1__0", "_1", "١٢", "１２", "12.5", "1.", ".5",
          "1e3", "1E-2", "NaN", "nan", "INF", "-INF", "inf", "Infinity", "-Infinity", "true", "false", "TRUE", "True",
          "abc", "0x10", "\u22121", "127", "128", "-128", "-129", "255", "256", "32767", "32768", "65535", "65536",
          "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
          "18446744073709551616", "9" * 5000, "1978", "-0044", "1978-02", "1978-02-30", "2019-02-28", "2019-02-29",
          "2019-02-28T10:00:00Z", "P1Y", "POINT(1 2)", "en-GB", "https://example.org/x"]


def rdflib_verdict(lexical: str, dt: str) -> bool:
    log = logging.getLogger("rdflib.term")
    level, log.level = log.level, logging.CRITICAL
    try:
        with warnings.catch_warnings():  # rdflib warns about "weird" booleans it refuses anyway
            warnings.simplefilter("ignore")
            return bool(rdflib.Literal(lexical, datatype=rdflib.URIRef(dt)).ill_typed)
    finally:
        log.level = level


ALL = MIRRORED + UNKNOWN_TO_RDFLIB + ASKED


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[bool]]:
    """rdflib's verdict on every (datatype, lexical form), from a process where owlrl never ran."""
    script = ("import json, sys, test_fastshacl_datatypes as t\n"
              "print(json.dumps({dt: [t.rdflib_verdict(lex, dt) for lex in t.CORPUS] for dt in t.ALL}))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=__file__.rsplit("/", 1)[0], check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("dt", ALL)
def test_the_verdict_on_every_lexical_form_is_rdflibs(dt, verdicts):
    differ = [lex for lex, theirs in zip(CORPUS, verdicts[dt], strict=True) if fastshacl._ill_typed(lex, dt) != theirs]
    assert differ == [], f"{dt}: fast and rdflib disagree on {differ!r}"


def test_the_corpus_has_both_verdicts_for_the_numeric_types(verdicts):
    """A corpus where everything passed (or failed) would test nothing."""
    for dt in (XSD + "integer", XSD + "byte", XSD + "decimal", XSD + "double", XSD + "boolean"):
        assert set(verdicts[dt]) == {True, False}, dt
