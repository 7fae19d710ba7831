"""citygraph serve: the web application over the built graph or an external SPARQL endpoint.

One concept per module: `app` (routes, access log, CORS, errors), `server` (uvicorn, options),
`site` (shared state, IRIs <-> paths), `backend` (local store / remote endpoint, read-only,
SERVICE allow-list), `limits` (time, rows, bytes, body, concurrency queue), `media` (the one
media-type table and content negotiation), `sparql` (the SPARQL 1.1 Protocol), `facts` (what a
page shows), `pages` (linked-data pages, search, 404), `querypage`, `api` (stored queries and
OpenAPI), `landing` (home page, downloads), `schemaorg` (JSON-LD for search engines),
`render` (templates, autoescaped), `responses` (ETag, Vary, Link, error statuses).
"""
