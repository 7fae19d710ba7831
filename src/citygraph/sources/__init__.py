"""Turning foreign data into citygraph's RDF: the world layer and WDQS results."""
