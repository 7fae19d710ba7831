"""Stage progress: rewritten in place on a terminal, plain lines when forced off a terminal."""

from __future__ import annotations

import io

from citygraph.cli.shared.progress import StageProgress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_silent_off_a_terminal_by_default():
    out = io.StringIO()
    say = StageProgress(None, stream=out)
    say("loading")
    say.done()
    assert out.getvalue() == ""


def test_forced_plain_lines_name_each_stage_and_its_time():
    out = io.StringIO()
    say = StageProgress(True, stream=out)
    say("loading")
    say("reasoning")
    say.done()
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert "loading: done in" in text and "reasoning: done in" in text


def test_terminal_line_is_rewritten_when_the_stage_ends():
    out = FakeTerminal()
    say = StageProgress(None, stream=out)
    say("loading")
    say.done()
    assert out.getvalue().startswith("  loading …\r\x1b[2K  loading: ")


def test_abort_ends_the_unfinished_line():
    out = FakeTerminal()
    say = StageProgress(None, stream=out)
    say("reasoning")
    say.abort()
    assert out.getvalue().endswith("reasoning …\n")
