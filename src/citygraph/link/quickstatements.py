"""QuickStatements (V1) commands that would give Wikidata what our curated data has and it lacks.

Written for an editor to review and submit by hand; citygraph never sends them anywhere.

- A formal tie we hold and Wikidata lacks (`only_here`): a P190 statement in *both*
  directions (P190 carries a symmetric constraint on Wikidata), with a start time (P580) if
  our data gives one exact formalisation date.
- A tie both hold where no Wikidata statement has a start time (`agree`): the P580 qualifier,
  added to the statements that exist (QuickStatements merges a line into the existing
  statement with the same value).
- Each line carries a reference naming our source as the data says it: title (S1476, the
  document's title as monolingual text) and section (S958). No reference URL (S854): we do
  not hold one and do not invent one. A tie whose source has no title gets no line.
- Skipped: preliminary (friendship-and-cooperation) ties, which P190 does not mean; ties known
  only from the Wikidata-derived world layer; date mismatches (a person must look at those);
  ties with two different exact formalisation dates.
"""

from __future__ import annotations

from pathlib import Path

from ..ids import key_order
from ..io import atomic
from .ours import WORLD_GRAPH, OurDate, OurGraph, Partnership, SourceRef


def _text(value: str) -> str | None:
    """A QuickStatements string: one line, no double quote (V1 has no escape for it)."""
    clean = " ".join(value.split())
    return None if '"' in clean or not clean else clean


def reference(source: SourceRef | None) -> str:
    if source is None or not source.title or _text(source.title) is None:
        return ""
    out = f'\tS1476\t{source.title_lang}:"{_text(source.title)}"'
    if source.section and _text(source.section):
        out += f'\tS958\t"{_text(source.section)}"'
    return out


def _start(p: Partnership) -> OurDate | None:
    exact = [d for d in p.starts if d.exact]
    return exact[0] if len({d.date for d in exact}) == 1 else None


def _source(p: Partnership, start: OurDate | None) -> SourceRef | None:
    for ref in (start.sources if start else []) + p.sources:
        if ref.title:
            return ref
    return None


def commands(ours: OurGraph, result: dict) -> tuple[list[str], list[str]]:
    """(lines, notes): the commands in pair order, and why a candidate got none."""
    lines: list[tuple[tuple, str]] = []
    notes: list[str] = []
    candidates = [("only_here", item) for item in result.get("only_here", [])]
    candidates += [("agree", item) for item in result.get("agree", []) if not item["wikidata"]["start"]]
    for category, item in candidates:
        pair = tuple(item["pair"])
        p = ours.partnerships.get(pair)
        if p is None or not p.graphs - {WORLD_GRAPH}:
            continue
        a, b = pair
        start = _start(p)
        if category == "agree" and start is None:
            continue  # nothing to add
        if not p.formal:
            notes.append(f"{a}-{b}: not a formal tie ({', '.join(p.kinds) or 'no kind'}); P190 not proposed")
            continue
        ref = reference(_source(p, start))
        if not ref:
            notes.append(f"{a}-{b}: no source title to cite (none, or one with a '\"' QuickStatements V1 cannot write); nothing proposed")
            continue
        qualifier = f"\tP580\t{start.date.quickstatements()}" if start else ""
        subjects = [a, b] if category == "only_here" else item["wikidata"]["stated_on"]
        for s in subjects:
            o = b if s == a else a
            lines.append(((key_order(a), key_order(b), s != a), f"{s}\tP190\t{o}{qualifier}{ref}"))
    return [line for _key, line in sorted(lines)], notes


def write(path: Path, lines: list[str]) -> None:
    """Write atomically: a temp file beside the target, then rename."""
    atomic.write_text(path, "".join(line + "\n" for line in lines), option="--quickstatements")


__all__ = ["commands", "write", "reference"]
