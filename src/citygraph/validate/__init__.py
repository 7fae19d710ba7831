"""SHACL validation into a typed report (fast checker; pySHACL as reference).

The severities live here, light to import, so the CLI offers them as choices (`--severity`)
without loading the validators.
"""

SEVERITIES = ("violation", "warning", "info")
"""The --severity choices, most severe first; each lists its own results and the more severe ones."""
