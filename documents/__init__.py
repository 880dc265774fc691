"""Word and Excel documents the campaign hands to people: drafts a clerk finishes and signs."""
