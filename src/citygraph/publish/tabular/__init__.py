"""The exports for people without RDF, all made from the three tables: CSV + CSVW, Excel, GeoJSON, ties.json."""
