"""The error a batch run stops with: bad input, named by file, row and problem."""

from __future__ import annotations


class BatchInputError(ValueError):
    """Input the batch cannot screen as given (the CLI exits 2 with this message).

    A ValueError, as QueryError and SourceError are, so the command line's one
    handler turns every kind of bad input into the same clear message and exit code.
    """
