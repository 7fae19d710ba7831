"""OWL 2 RL materialisation into the inferred graph (fast rules; owlrl as reference).

The names of the reasoners live here, light to import, so the CLI offers them as choices
without loading the reasoners themselves.
"""

REASONERS = ("fast", "owlrl")
DEFAULT_REASONER = "fast"
