"""OWL 2 RL materialisation into the inferred graph (fast rules; owlrl as reference)."""
