"""The HTML pages: templates, linked-data pages, landing, query page, schema.org, figures and the facts they show."""
