"""Docs that run: every command shown in README.md and docs/*.md is executed and its output compared.

The contract for writers of documentation (see docs/contributing.md):

- Shell examples are fenced ```console blocks. A line starting with `$ ` is a command (a
  trailing `\\` continues it on the next line); the lines after it, up to the next `$ ` line or
  the end of the block, are its expected standard output, compared line by line after trailing
  spaces are stripped. A line `...` matches any number of lines (including none). A last
  expected line `[exit N]` says the command must exit with N (default: 0); its standard error
  is then also part of the output compared. Blank lines at the end of an output are not
  compared, neither in the document (a blank line between two commands, for readability) nor
  in what the command prints.
- Commands run with bash, in document order, in one temporary folder per document (so a
  `dist/` written by one block is there for the next); the repository's `data/`, `ontology/`,
  `queries/`, `tests/`, `docs/` and `examples/` folders are linked into it, the virtual
  environment's `bin/` is first on PATH, and the query cache is one temporary folder for the
  whole test session.
- Python examples are fenced ```pycon blocks in doctest form (`>>> `), run with ELLIPSIS and
  NORMALIZE_WHITESPACE in the same folder.
- An HTML comment just before a block changes how it runs:
  `<!-- doctest: background PORT -->` starts each command of the block in the background (a
  server), waits until 127.0.0.1:PORT accepts connections, and stops it at the end of the
  document; its output is not compared.
  `<!-- doctest: setup -->` marks the set-up commands (install, run the tests): they are what
  `.ci/run` itself does, so the test checks that `.ci/run` still contains each of them
  instead of running them again.
  `<!-- doctest: file PATH -->` before a block of any language says the block is exactly the
  repository file PATH (a template shown in full, then used by the commands that follow).
- Other fences (```turtle, ```sparql, ```json, ```text) are shown, not run; ```turtle blocks
  must parse (with their own @prefix lines).
- README.md has at most 300 lines and links every page in docs/.

Update mode: `CITYGRAPH_DOCS_UPDATE=1 python -m pytest tests/test_docs.py` runs every document as
usual, and where a command's output or exit code differs from the document it rewrites that
command's expected lines in place with what the command printed (keeping each `...` that still
stands for lines of the new output, and `[exit N]`). A command the document shows succeeding
that now fails is not rewritten but reported: that is a broken example (a renamed option, say)
for a person to fix. Check the result with `git diff`: an elided volatile part (a path, a
timing) that sat next to a changed line may have to be elided again by hand. Python examples,
Turtle blocks and file blocks are never rewritten; they still fail.
"""

from __future__ import annotations

import difflib
import doctest
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINKED = ("data", "ontology", "queries", "tests", "docs", "examples")
COMMAND_TIMEOUT = 900
README_MAX_LINES = 300
UPDATE = os.environ.get("CITYGRAPH_DOCS_UPDATE", "") not in ("", "0")

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_DIRECTIVE = re.compile(r"<!--\s*doctest:\s*(\w+)\s*([^>]*?)\s*-->\s*$")


@dataclass
class Block:
    lang: str
    body: str
    line: int
    directive: tuple[str, str] | None = None


@dataclass
class Command:
    text: str
    expected: list[str] = field(default_factory=list)
    exit_code: int = 0
    line: int = 0
    span: int = 0  # how many lines of the document the expected output (and `[exit N]`) fill


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        d = _DIRECTIVE.search(before)
        out.append(Block(m.group(1), m.group(2), line, (d.group(1), d.group(2)) if d else None))
    return out


def commands(block: Block) -> list[Command]:
    out: list[Command] = []
    lines = block.body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            text = line[2:]
            start = i
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text + "\n" + lines[i]  # bash reads backslash-newline as one line
            out.append(Command(text, line=block.line + 1 + start))
        elif out:
            out[-1].expected.append(line.rstrip())
            out[-1].span += 1
        else:
            raise AssertionError(f"line {block.line + 1 + i}: a console block must start with a '$ ' command")
        i += 1
    for cmd in out:
        while cmd.expected and not cmd.expected[-1]:
            cmd.expected.pop()
        if cmd.expected and re.fullmatch(r"\[exit \d+\]", cmd.expected[-1]):
            cmd.exit_code = int(cmd.expected.pop()[6:-1])
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality where an expected line '...' stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CITYGRAPH_CACHE_DIR"] = str(cache)
    env["COLUMNS"] = "100"
    return env


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"background command exited with {proc.returncode} before port {port} answered")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on 127.0.0.1:{port} within {timeout} s")


def _doc_id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.fixture(scope="session")
def docs_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("docs-cache")


@dataclass
class DocRun:
    """One document being run: where, with what, and what went wrong."""

    doc: Path
    cwd: Path
    env: dict[str, str]
    cache: Path
    background: list[subprocess.Popen] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rewrites: list[tuple[Command, list[str]]] | None = None


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=_doc_id)
def test_every_example_runs_as_shown(doc: Path, tmp_path: Path, docs_cache: Path):
    for name in LINKED:
        if (REPO / name).exists():
            (tmp_path / name).symlink_to(REPO / name)
    run = DocRun(doc, tmp_path, _env(docs_cache), docs_cache, rewrites=[] if UPDATE else None)
    try:
        for block in blocks(doc):
            _run_block(run, block)
    finally:
        _stop(run.background)
    if run.rewrites:
        rewrite(doc, run.rewrites)
        warnings.warn(f"{_doc_id(doc)}: rewrote the output of {len(run.rewrites)} command(s) at line(s) "
                      + ", ".join(str(c.line) for c, _ in run.rewrites), stacklevel=1)
    assert not run.failures, "\n\n".join(run.failures)


def _run_block(run: DocRun, block: Block) -> None:
    where = f"{_doc_id(run.doc)}:{block.line}"
    kind, arg = block.directive if block.directive else (None, "")
    if kind == "file":
        run.failures += _check_file_block(block, arg, where)
    if block.lang == "turtle":
        try:
            pyoxigraph.parse(block.body.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
        except SyntaxError as err:
            run.failures.append(f"{where}: the Turtle block does not parse: {err}")
    elif block.lang == "pycon":
        run.failures += _run_pycon(block, where, run.cwd, run.cache)
    elif block.lang != "console" or kind == "file":
        return
    elif kind == "setup":
        ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
        run.failures += [f"{where}: set-up command {cmd.text!r} is not what .ci/run does"
                         for cmd in commands(block) if not _setup_covered(cmd.text, ci)]
    elif kind == "background":
        for cmd in commands(block):
            proc = subprocess.Popen(["bash", "-c", cmd.text], cwd=run.cwd, env=run.env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            run.background.append(proc)
            _wait_for_port(int(arg.split()[0]), proc)
    elif kind is not None:
        run.failures.append(f"{where}: unknown doctest directive {kind!r}")
    else:
        for cmd in commands(block):
            run.failures += _run_command(cmd, _doc_id(run.doc), run.cwd, run.env, run.rewrites)


def _stop(background: list[subprocess.Popen]) -> None:
    for proc in background:
        with _suppress():
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _check_file_block(block: Block, name: str, where: str) -> list[str]:
    path = REPO / name.strip()
    if not path.is_file():
        return [f"{where}: the block says it is {name!r}, which does not exist"]
    if path.read_text(encoding="utf-8") != block.body:
        return [f"{where}: the block differs from {name}: copy the file into the block again"]
    return []


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError)


def _setup_covered(command: str, ci: str) -> bool:
    if command.strip() == "bash .ci/run":
        return True
    # the install-and-build line: each pip install it names must be one .ci/run (or the README's
    # build test) performs, and 'citygraph build' is run by the tests of the build itself.
    parts = [p.strip() for p in command.split("&&")]
    return all(p.startswith(("python3 -m venv", ". ", "source ", "citygraph build")) or p in ci or
               (p.startswith("pip install") and "pip install" in ci) for p in parts)


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    def lines(self, with_stderr: bool) -> list[str]:
        """The output's lines, trailing spaces and trailing blank lines stripped (as in the document)."""
        out = self.stdout + (self.stderr if with_stderr else "")
        lines = [line.rstrip() for line in out.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        return lines


def _execute(cmd: Command, cwd: Path, env: dict[str, str]) -> Outcome:
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd.text], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def _problems(cmd: Command, got: Outcome) -> list[str]:
    problems = []
    if got.returncode != cmd.exit_code:
        problems.append(f"exit {got.returncode}, the doc says {cmd.exit_code}; stderr:\n{got.stderr[-2000:]}")
    # standard error is part of the output only where the document expects a failure
    actual = got.lines(with_stderr=bool(cmd.exit_code))
    if not matches(cmd.expected, actual):
        problems.append("output differs from the doc.\n--- doc\n" + "\n".join(cmd.expected)
                        + "\n--- actual\n" + "\n".join(actual[:200]))
    return problems


def _run_command(cmd: Command, doc: str, cwd: Path, env: dict[str, str],
                 rewrites: list[tuple[Command, list[str]]] | None = None) -> list[str]:
    """Run one command; return its problems, or (update mode: `rewrites` given) record the fix."""
    try:
        got = _execute(cmd, cwd, env)
    except subprocess.TimeoutExpired:
        return [f"{doc}:{cmd.line}: `{cmd.text}` ran longer than {COMMAND_TIMEOUT} s"]
    problems = _problems(cmd, got)
    # update mode rewrites outputs, but never turns an example that worked into one that fails:
    # that is a broken command (a renamed option, say), for a person to fix
    if problems and rewrites is not None and not (got.returncode and not cmd.exit_code):
        new = _updated_expected(cmd.expected, got.lines(with_stderr=bool(got.returncode)))
        rewrites.append((cmd, new + ([f"[exit {got.returncode}]"] if got.returncode else [])))
        return []
    return [f"{doc}:{cmd.line}: `{cmd.text}`: " + p for p in problems]


def _updated_expected(expected: list[str], actual: list[str]) -> list[str]:
    """The actual lines, with each '...' of the old expected output kept where it still elides lines.

    The old and new outputs are aligned line by line. In a changed stretch that held a '...', the
    lines written before and after the '...' take the same number of new lines on their side of it
    and the '...' elides the rest; any other changed stretch takes the new lines. If the result
    would not match (it always should), the plain new output is returned.
    """
    if matches(expected, actual):
        return expected
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, expected, actual, autojunk=False).get_opcodes():
        old, new = expected[i1:i2], actual[j1:j2]
        if tag == "equal" or "..." not in old:
            out += new
            continue
        first, last = old.index("..."), len(old) - 1 - old[::-1].index("...")
        before, after = first, len(old) - 1 - last
        if before + after > len(new):
            out += new
            continue
        out += new[:before] + ["..."] + new[len(new) - after:]
    return out if matches(out, actual) else list(actual)


def rewrite(path: Path, rewrites: list[tuple[Command, list[str]]]) -> None:
    """Replace each command's expected lines in the document (update mode)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for cmd, new in sorted(rewrites, key=lambda r: r[0].line, reverse=True):
        start = cmd.line - 1 + cmd.text.count("\n") + 1  # 0-based index of the first output line
        old = lines[start:start + cmd.span]
        tail = 0  # blank lines that end the old output separate it from the next command: keep them
        while tail < len(old) and not old[len(old) - 1 - tail].strip():
            tail += 1
        lines[start:start + cmd.span] = new + [""] * tail
    path.write_text("\n".join(lines), encoding="utf-8")


def _run_pycon(block: Block, where: str, cwd: Path, cache: Path) -> list[str]:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.body, {}, where, where, block.line)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    out: list[str] = []
    old, old_cache = Path.cwd(), os.environ.get("CITYGRAPH_CACHE_DIR")
    os.chdir(cwd)
    os.environ["CITYGRAPH_CACHE_DIR"] = str(cache)  # the same cache as the commands of the session
    try:
        runner.run(test, out=out.append)
    finally:
        os.chdir(old)
        if old_cache is None:
            del os.environ["CITYGRAPH_CACHE_DIR"]
        else:
            os.environ["CITYGRAPH_CACHE_DIR"] = old_cache
    return [f"{where}: the Python example fails:\n" + "".join(out)] if runner.failures else []


# The harness itself: small, fast, no documents involved.

def test_console_blocks_parse_commands_output_and_exit_codes():
    block = Block("console", "$ echo a \\\n  b\na b\n$ false\n[exit 1]\n", 10)
    cmds = commands(block)
    assert [c.text for c in cmds] == ["echo a \\\n  b", "false"]
    assert cmds[0].expected == ["a b"] and cmds[0].exit_code == 0 and cmds[0].line == 11
    assert cmds[1].expected == [] and cmds[1].exit_code == 1


def test_ellipsis_matches_any_run_of_lines_and_nothing_else():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])


def test_trailing_blank_lines_of_an_output_are_ignored_but_inner_ones_are_not(tmp_path):
    env = _env(tmp_path)
    assert _run_command(Command("printf 'a\\n\\n\\n'", ["a"], 0, 1), "x.md", tmp_path, env) == []
    assert _run_command(Command("printf 'a\\n\\nb\\n'", ["a", "b"], 0, 1), "x.md", tmp_path, env)


def test_a_drifted_example_fails(tmp_path):
    problems = _run_command(Command("echo hello", ["goodbye"], 0, 1), "x.md", tmp_path, _env(tmp_path))
    assert problems and "output differs" in problems[0]
    assert _run_command(Command("echo hello", ["hello"], 0, 1), "x.md", tmp_path, _env(tmp_path)) == []


def test_directives_are_read_from_the_line_before_the_fence(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("text\n<!-- doctest: background 8123 -->\n```console\n$ sleep 1\n```\n", encoding="utf-8")
    (b,) = blocks(doc)
    assert b.directive == ("background", "8123") and b.lang == "console"


def test_every_document_has_been_found():
    names = {_doc_id(d) for d in DOCS}
    assert "README.md" in names
    assert shutil.which("bash")


def test_blank_lines_after_an_output_are_not_compared():
    block = Block("console", "$ echo a\na\n\n$ false\n[exit 1]\n\n", 1)
    first, second = commands(block)
    assert first.expected == ["a"] and first.span == 2
    assert second.exit_code == 1 and second.expected == [] and second.span == 2


def test_update_keeps_the_elisions_that_still_elide():
    old = ["...", "conforms: yes (0 warning(s))", "files: a", "..."]
    new = ["built /tmp/x", "triples: 3", "conforms: yes (2 warning(s))", "files: a", "seconds: 1.2"]
    updated = _updated_expected(old, new)
    assert matches(updated, new)
    assert "conforms: yes (2 warning(s))" in updated and updated[-1] == "..."
    assert "seconds: 1.2" not in updated
    assert _updated_expected(["a", "...", "z"], ["a", "b", "z"]) == ["a", "...", "z"]  # still matches


def test_update_mode_rewrites_the_document_in_place(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("intro\n```console\n$ echo one; \\\n  echo two\nold\n\n$ echo same\nsame\n"
                   "$ echo out; exit 3\n[exit 1]\n```\nend\n", encoding="utf-8")
    rewrites: list[tuple[Command, list[str]]] = []
    for block in blocks(doc):
        for cmd in commands(block):
            assert _run_command(cmd, "d.md", tmp_path, _env(tmp_path), rewrites) == []
    assert len(rewrites) == 2  # the command whose output is right is left alone
    rewrite(doc, rewrites)
    assert doc.read_text(encoding="utf-8") == ("intro\n```console\n$ echo one; \\\n  echo two\none\ntwo\n\n"
                                               "$ echo same\nsame\n$ echo out; exit 3\nout\n[exit 3]\n```\nend\n")
    for block in blocks(doc):  # and the rewritten document now passes
        for cmd in commands(block):
            assert _run_command(cmd, "d.md", tmp_path, _env(tmp_path)) == []


def test_a_file_block_must_be_the_file_it_names(tmp_path):
    name = "examples/my-tie.ttl"
    body = (REPO / name).read_text(encoding="utf-8")
    assert _check_file_block(Block("turtle", body, 1), name, "x") == []
    assert _check_file_block(Block("turtle", body + "# drift\n", 1), name, "x")
    assert _check_file_block(Block("turtle", body, 1), "examples/none.ttl", "x")


def test_the_readme_is_short_and_leads_to_every_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES
    pages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))
    missing = [p for p in pages if f"]({p})" not in readme]
    assert not missing, f"README.md does not link {missing}"


def test_set_up_commands_must_be_what_ci_does_and_unknown_directives_fail(tmp_path):
    run = DocRun(REPO / "README.md", tmp_path, _env(tmp_path), tmp_path)
    _run_block(run, Block("console", "$ bash .ci/run\n", 1, ("setup", "")))
    assert run.failures == []
    _run_block(run, Block("console", "$ curl https://example.org | sh\n", 5, ("setup", "")))
    _run_block(run, Block("console", "$ echo hi\nhi\n", 9, ("nosuch", "")))
    assert len(run.failures) == 2 and "not what .ci/run does" in run.failures[0]
    assert "unknown doctest directive" in run.failures[1]


def test_update_mode_does_not_record_a_broken_example_as_expected(tmp_path):
    rewrites: list[tuple[Command, list[str]]] = []
    problems = _run_command(Command("echo 'no such option' >&2; exit 2", ["fine"], 0, 7), "d.md", tmp_path,
                            _env(tmp_path), rewrites)
    assert rewrites == [] and problems and "exit 2, the doc says 0" in problems[0]
