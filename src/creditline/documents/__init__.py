"""Uploaded proofs: a business licence, financial statements, a closure request's evidence.

A document is metadata (owner, purpose, media type, size, SHA-256, who uploaded it, when) in
the database and its bytes in a content-addressed file store behind a port
(``documents.ports.DocumentStore``: a folder on the embedded default, an object store in
production); the bytes never go into the database.  The type is decided by the content
(magic bytes), not by what the client declared, and every read checks the bytes against the
recorded SHA-256."""
