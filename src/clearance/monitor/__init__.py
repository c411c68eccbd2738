"""Monitoring: portfolios kept in the store and re-screened whenever the lists or the book change.

`portfolio` saves a book and remembers which rows are new or changed, `scope`
works out which rows a change of the lists can reach, `run` re-screens what
can have changed and records the run, `evidence` reads runs back for an
auditor. The tables (`schema`) live in the store's own database.
"""
