"""Connectors: download postings from an ATS's public job board into a file the rebuild reads.

I/O only, kept apart from ingest/ (pure parsing), whose source is part of the parsed-postings
cache key."""
