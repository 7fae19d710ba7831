"""citygraph build and info through the CLI: summary, atomic failure, refused folders."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data" / "validate"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_dumps_and_prints_a_summary(cli, tmp_path):
    out = tmp_path / "dist"
    result = cli("build", "--scope", "nanjing", "--out", out, "--progress")
    assert result.exit_code == 0, result.stderr
    assert (out / "citygraph.ttl").is_file() and (out / "SHA256SUMS").is_file()
    summary = result.stdout
    for graph in ("ontology", "shapes", "data/nanjing", "inferred"):
        assert f"  {graph}\n" in summary
    assert "conforms: yes" in summary
    assert "seconds: load" in summary and "dump" in summary
    assert "reasoning" in result.stderr  # forced progress lines go to stderr


def test_a_failing_build_leaves_the_previous_output_untouched(cli, tmp_path):
    out = tmp_path / "dist"
    assert cli("build", "--scope", "nanjing", "--out", out).exit_code == 0
    before = _snapshot(out)
    failed = cli("build", "--scope", "nanjing", "--add", DATA / "no-party.ttl", "--out", out)
    assert failed.exit_code == 1
    assert "violation" in failed.stderr and "https://example.org/tie" in failed.stderr
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_build_with_malformed_file_is_exit_2_naming_the_line(cli, tmp_path):
    result = cli("build", "--scope", "nanjing", "--add", DATA / "malformed.ttl", "--out", tmp_path / "dist")
    assert result.exit_code == 2
    assert "malformed.ttl:7" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_build_refuses_to_replace_a_folder_of_other_files(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = cli("build", "--scope", "nanjing", "--out", tmp_path)
    assert result.exit_code == 2
    assert "SHA256SUMS" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_info_shows_version_paths_and_counts(cli, tmp_path, monkeypatch, curated):
    from citygraph import __version__, cache
    from citygraph import build as build_module

    monkeypatch.setenv("CITYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    # A kept build of scope all (here: the session's curated build under that key): info reads
    # its manifest and loads nothing.
    key = cache.cache_key("all")
    cache.save(curated, cache.entry_path(key), key, scope="all", reasoner="fast", add=[])

    def no_loading(*args, **kwargs):
        raise AssertionError("info loaded the sources although a build was kept")

    monkeypatch.setattr(build_module, "load_sources", no_loading)
    result = cli("info")
    assert result.exit_code == 0, result.stderr
    assert f"citygraph {__version__}" in result.stdout
    assert "ontology:" in result.stdout and "context.jsonld" in result.stdout
    header = "asserted triples per named graph (before reasoning; `citygraph build` adds graph inferred):\n"
    shown = result.stdout.split(header)[1].splitlines()
    assert shown == [f"  {n:>10,}  {g.rsplit('/graph/', 1)[1]}" for g, n in curated.graph_sizes().items()
                     if not g.endswith("/inferred")]
    assert f"data sources: nanjing ({len(curated.sources['nanjing'])} file(s))" in result.stdout
