"""Full-text search over the catalogue, its notes and its cached metadata: a SQLite FTS5 index.

A package of its own, beside `store/` rather than in it: `store/` reads and writes papers.yaml, while
the index is a cache derived from three sources (the catalogue, the notes, the metadata records)
that `actions.search` gathers and hands in. So this package knows only the model and SQLite, and
`sqlite3` is imported nowhere else. `query` turns the syntax a user types into an FTS5 expression
(pure); `index` keeps the database in step and asks it.
"""
