"""The Wikidata link: client, our side, their side, dates, check, diff, enrich, QuickStatements."""
