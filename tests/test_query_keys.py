"""Every stored SELECT query declares its key (`#+ key: [columns]`) and returns one row per key.

The key is the "thing" a row stands for (a tie, an event, a discrepancy …). Each query runs with
its header's example values on the curated core, and on the world build (marked `world`), and no
two rows may share the key's values.
"""

from __future__ import annotations

import pytest
import yaml

from citygraph.query import catalogue
from citygraph.query import run as runner

CATALOGUE = {q.name: q for q in catalogue.catalogue()}
SELECTS = sorted(n for n, q in CATALOGUE.items() if q.form == "SELECT")
LOCAL = [n for n in SELECTS if not CATALOGUE[n].federated]


def declared_key(name: str) -> list[str]:
    header = yaml.safe_load(catalogue.split_header(CATALOGUE[name].text)[0])
    return header.get("key") or []


@pytest.mark.parametrize("name", SELECTS)
def test_every_select_query_declares_a_key_among_its_columns(name):
    key = declared_key(name)
    assert key, f"queries/{name}.rq: declare '#+ key: [column, …]' (what one row stands for)"
    for column in key:
        assert f"?{column}" in CATALOGUE[name].text, f"queries/{name}.rq: key column {column!r} is not a variable of the query"


def _check_unique(name: str, store) -> int:
    q = CATALOGUE[name]
    result = runner.run(q, q.example_values(), store=store)
    key = declared_key(name)
    assert all(k in result.variables for k in key), f"{name}: key {key} not among the columns {result.variables}"
    idx = [result.variables.index(k) for k in key]
    seen: dict[tuple, int] = {}
    for row in result.rows:
        k = tuple(None if row[i] is None else str(row[i]) for i in idx)
        seen[k] = seen.get(k, 0) + 1
    repeated = {k: n for k, n in seen.items() if n > 1}
    assert not repeated, f"{name}: key {key} repeated: {list(repeated.items())[:3]}"
    return len(seen)


@pytest.mark.parametrize("name", LOCAL)
def test_every_query_gives_one_row_per_key_on_the_curated_core(curated, name):
    _check_unique(name, curated.store)


@pytest.mark.world
@pytest.mark.slow
@pytest.mark.parametrize("name", LOCAL)
def test_every_query_gives_one_row_per_key_on_the_world_build(world, name):
    _check_unique(name, world.store)


def test_discrepancies_one_row_each(curated):
    """The issue's case: 38 rows for 8 discrepancies before; now one row per discrepancy."""
    count = len(list(curated.store.query(
        "SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/citygraph/ontology#Discrepancy> }", use_default_graph_as_union=True)))
    assert _check_unique("discrepancies", curated.store) == count
