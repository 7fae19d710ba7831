"""SHACL validation into a typed report (fast checker; pySHACL as reference)."""
