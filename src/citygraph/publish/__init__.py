"""Writing the build out: dumps, JSON-LD, VoID/DCAT."""
