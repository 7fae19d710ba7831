"""The HTTP layer of the server: the backend, limits, media types, responses, the SPARQL protocol, uvicorn."""
