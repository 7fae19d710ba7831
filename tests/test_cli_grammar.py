"""One CLI grammar: shared options, one-line errors (exit 2), old spellings that warn, summarised results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from citygraph.cli import group

SRC = Path(__file__).resolve().parents[1] / "src" / "citygraph"
VALID = Path(__file__).parent / "data" / "validate" / "nagoya-valid.ttl"
ONE_PARTY = Path(__file__).parent / "data" / "validate" / "one-party.ttl"
NO_PARTY = Path(__file__).parent / "data" / "validate" / "no-party.ttl"
TWO_TOWNS = """@prefix cg: <https://w3id.org/citygraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/town-a> a cg:City ; rdfs:label "Town A"@en .
<https://example.org/town-b> a cg:City ; rdfs:label "Town B"@en .
"""


def _commands(cmd: click.Command = group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            out += _commands(cmd.get_command(ctx, name), path + (name,))
    else:
        out.append((path, cmd))
    return out


LEAVES = _commands()


def _option(cmd: click.Command, name: str) -> click.Option | None:
    return next((p for p in cmd.params if isinstance(p, click.Option) and name in p.opts and not p.hidden), None)


def _one_error_line(result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("citygraph: error: "), lines[0]
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    return lines[0]


def test_unknown_verb_is_one_line_naming_the_verbs(cli):
    line = _one_error_line(cli("nosuchverb"))
    assert "'nosuchverb'" in line and "build" in line and "citygraph --help" in line
    assert cli("nosuchverb").stdout == ""


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=" ".join)
def test_unknown_option_is_one_line_in_every_verb(cli, path):
    line = _one_error_line(cli(*path, "--nosuchoption"))
    assert "--nosuchoption" in line and f"citygraph {' '.join(path)} --help" in line


def test_a_near_miss_option_gets_a_suggestion_on_the_same_line(cli):
    line = _one_error_line(cli("build", "--scop", "nanjing"))
    assert "--scope" in line


def test_missing_argument_is_one_line(cli):
    line = _one_error_line(cli("import", "wikidata-results"))
    assert "FILE" in line


@pytest.mark.parametrize("args, named", [
    (("query", "partners", "--format", "nope"), "--format"),
    (("build", "--reasoner", "nope"), "--reasoner"),
    (("validate", "--severity", "loud"), "--severity"),
    (("query", "partners", "--timeout", "0"), "--timeout"),
])
def test_a_bad_choice_is_one_line_naming_the_option(cli, args, named):
    assert named in _one_error_line(cli(*args))


def test_a_group_alone_prints_its_help(cli):
    for args in [(), ("link",), ("import",)]:
        result = cli(*args)
        assert result.exit_code == 0 and "Usage:" in result.stdout and result.stderr == ""


def test_scope_defaults_to_all_in_every_verb_that_has_it():
    having = [(path, _option(cmd, "--scope")) for path, cmd in LEAVES if _option(cmd, "--scope")]
    assert {p[0] for p, _ in having} >= {"build", "query", "validate", "link"}
    assert {path: opt.default for path, opt in having} == {path: "all" for path, _ in having}


def test_format_offers_table_to_people_everywhere():
    having = [(path, _option(cmd, "--format")) for path, cmd in LEAVES if _option(cmd, "--format")]
    assert len(having) >= 5
    for path, opt in having:
        assert "table" in opt.type.choices, path
        assert opt.default in ("table", None), path  # None: query picks table on a terminal
        assert "text" not in opt.type.choices, path


def test_reasoner_is_a_choice_of_the_reasoners_that_exist():
    from citygraph.reason import materialise

    having = [(path, _option(cmd, "--reasoner")) for path, cmd in LEAVES if _option(cmd, "--reasoner")]
    assert {p[0] for p, _ in having} == {"build", "query", "serve", "publish"}  # the verbs that build the graph
    for _path, opt in having:
        assert isinstance(opt.type, click.Choice) and tuple(opt.type.choices) == materialise.REASONERS


def test_each_shared_option_is_declared_once():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (SRC / "cli").rglob("*.py"))
    for name in ("--scope", "--reasoner", "--add", "--severity"):
        assert len(re.findall(rf'"{name}"', text)) == 1, name


def test_validate_format_text_is_a_hidden_alias_that_warns(cli):
    new = cli("validate", VALID, "--format", "table")
    old = cli("validate", VALID, "--format", "text")
    assert new.exit_code == old.exit_code == 0
    assert old.stdout == new.stdout and new.stderr == ""
    assert old.stderr.splitlines() == [
        "citygraph: warning: --format text is an old spelling; write --format table (the old one goes in the next release)"]
    assert "text" not in cli("validate", "--help").stdout.split("--format", 1)[1].split("\n  --", 1)[0]


def test_link_wikidata_endpoint_and_its_old_spelling(cli):
    # A non-http URL is refused by the client before any request: proof the value got through.
    for spelling in ("--wikidata-endpoint", "--endpoint"):
        result = cli("link", "check", "--data", VALID, spelling, "ftp://example.org/sparql")
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1].startswith("citygraph: error: ") and "ftp://example.org/sparql" in result.stderr
    assert "old spelling; write --wikidata-endpoint" in result.stderr
    help_text = cli("link", "check", "--help").stdout
    assert "--wikidata-endpoint" in help_text and "--endpoint " not in help_text


def test_import_input_format_and_its_old_spelling(cli, tmp_path):
    rows = tmp_path / "ties.txt"
    rows.write_text("item,twin\nhttp://www.wikidata.org/entity/Q16666,http://www.wikidata.org/entity/Q11751\n", encoding="utf-8")
    new = cli("import", "wikidata-results", rows, "--input-format", "csv", "--out", tmp_path / "a.ttl")
    old = cli("import", "wikidata-results", rows, "--format", "csv", "--out", tmp_path / "b.ttl")
    assert new.exit_code == old.exit_code == 0, new.stderr + old.stderr
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    assert "old spelling; write --input-format" in old.stderr and new.stderr == ""
    for both in (("--format", "json", "--input-format", "csv"), ("--input-format", "csv", "--format", "json")):
        result = cli("import", "wikidata-results", rows, *both, "--out", tmp_path / "c.ttl")
        assert result.exit_code == 0, result.stderr  # the new spelling wins, in either order


def test_an_unexpected_exception_is_one_line_with_a_debug_hint(cli, monkeypatch):
    from citygraph.load import resources

    def broken():
        raise RuntimeError("the disk ate the ontology")

    monkeypatch.setattr(resources, "ontology_dir", broken)
    line = _one_error_line(cli("info"), code=4)
    assert "RuntimeError: the disk ate the ontology" in line and "--debug" in line
    debug = cli("--debug", "info")
    assert debug.exit_code == 4
    assert "Traceback (most recent call last)" in debug.stderr and "def broken" not in debug.stdout
    assert debug.stderr.splitlines()[-1].startswith("citygraph: error: unexpected RuntimeError")


def _without_countries(tmp_path: Path) -> Path:
    text = VALID.read_text(encoding="utf-8").replace("    cg:country place:Q148 .", "    .").replace("    cg:country place:Q17 .", "    .")
    path = tmp_path / "no-countries.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_summary_groups_by_shape_and_message(cli, tmp_path):
    result = cli("validate", _without_countries(tmp_path), "--summary")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "conforms: yes; 2 warning(s)"
    assert lines[1] == "2 result(s) in 1 group(s) by shape and message:"
    assert re.fullmatch(r"\s+2 Warning\s+cg:CityOrRegionShape-countryPresent \(sh:MinCountConstraintComponent\)", lines[2])
    assert "has no country" in lines[3]
    assert re.fullmatch(r"\s+e\.g\. place:Q\d+ cg:country", lines[4])  # one example, not both
    assert len(lines) == 5


def test_severity_chooses_what_is_listed(cli, tmp_path):
    path = _without_countries(tmp_path)
    everything = json.loads(cli("validate", path, "--format", "json").stdout)
    assert {r["severity"] for r in everything["results"]} == {"Warning"}
    only_violations = cli("validate", path, "--format", "json", "--severity", "violation")
    assert json.loads(only_violations.stdout) == {"conforms": True, "results": []}
    failing = cli("validate", ONE_PARTY, "--summary", "--severity", "violation")
    assert failing.exit_code == 1
    assert "Violation" in failing.stdout and "Warning" not in failing.stdout


def test_summary_is_for_the_table_format(cli):
    line = _one_error_line(cli("validate", VALID, "--summary", "--format", "json"))
    assert "--summary" in line


def test_build_summary_groups_warnings(cli, tmp_path):
    towns = tmp_path / "towns.ttl"
    towns.write_text(TWO_TOWNS, encoding="utf-8")
    result = cli("build", "--scope", "nanjing", "--add", towns, "--out", tmp_path / "dist")
    assert result.exit_code == 0, result.stderr
    conforms = next(line for line in result.stdout.splitlines() if line.startswith("conforms:"))
    assert "`citygraph validate --summary`" in conforms
    block = result.stdout.split(conforms, 1)[1]
    assert re.search(r"\n\s+2 Warning\s+cg:CityOrRegionShape-countryPresent", block)
    assert re.search(r"\n\s+2 Warning\s+cg:PlaceShape-qidPresent", block)
    assert block.count("e.g. https://example.org/town-a") == 2 and "town-b" not in block
    quiet = cli("build", "--scope", "nanjing", "--add", towns, "--out", tmp_path / "dist", "--severity", "violation")
    assert quiet.exit_code == 0 and "CityOrRegionShape" not in quiet.stdout


def test_a_failing_build_lists_violations_by_shape_then_one_error_line(cli, tmp_path):
    result = cli("build", "--scope", "nanjing", "--add", NO_PARTY, "--out", tmp_path / "dist")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("citygraph: error: the data does not conform: 1 violation(s)")
    assert any("cg:PartnershipShape-party" in line for line in lines[:-1])
    assert not any(line.startswith("citygraph: error:") for line in lines[:-1])
