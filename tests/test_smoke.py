def test_build_loads_the_nagoya_tie(curated):
    q = curated.store.query(
        "ASK { <https://w3id.org/citygraph/id/partnership/Q11751-Q16666> <https://w3id.org/citygraph/ontology#party> "
        "<https://w3id.org/citygraph/id/place/Q16666> }",
        use_default_graph_as_union=True,
    )
    assert bool(q)
