"""Reading what a build starts from: packaged resources and RDF files."""
