"""SERVICE only to allowed endpoints: the policy reads the query, not its text."""

import pytest

from citygraph.errors import BadInput
from citygraph.query.service_policy import DEFAULT_ALLOWED, check_services, service_targets

WDQS = "https://query.wikidata.org/sparql"


def test_targets_are_read_from_iris_prefixed_names_and_silent():
    text = f"""PREFIX w: <https://query.wikidata.org/>
    SELECT * WHERE {{ SERVICE <{WDQS}> {{ ?s ?p ?o }} SERVICE SILENT w:sparql {{ ?a ?b ?c }} }}"""
    assert service_targets(text) == [WDQS, WDQS]
    assert check_services(text) == [WDQS, WDQS]


def test_service_in_strings_iris_and_comments_is_not_a_call():
    text = 'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/>" . # SERVICE <http://127.0.0.1:9/>\n }'
    assert service_targets(text) == []
    check_services(text, allowed=())


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/sparql", "file:///etc/passwd", "https://query.wikidata.org.evil.example/sparql"])
def test_off_list_services_are_refused_by_name(target):
    with pytest.raises(BadInput, match="not on the allow-list") as err:
        check_services(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", where="q.rq")
    assert target in str(err.value) and str(err.value).startswith("q.rq:")


def test_a_variable_service_is_refused_and_allow_list_extends():
    with pytest.raises(BadInput, match="variable cannot name"):
        check_services("SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }")
    other = "http://127.0.0.1:7878/query"
    assert check_services(f"ASK {{ SERVICE <{other}/> {{ ?s ?p ?o }} }}", allowed=[*DEFAULT_ALLOWED, other]) == [other + "/"]
