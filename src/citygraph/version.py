"""The one place citygraph's version is written (pyproject.toml reads it: [tool.hatch.version]).

A literal, not importlib.metadata: reading the package metadata costs ~50 ms of every command's
start. Messages, VoID and cache keys import it from here.
"""

__version__ = "0.1.0"
