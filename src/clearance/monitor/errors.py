"""The error monitoring stops with when asked for something that is not there."""

from __future__ import annotations


class MonitorError(ValueError):
    """An unknown portfolio, a bad portfolio name or option, nothing to run or export.

    A ValueError, as BatchInputError and QueryError are, so the command line's one
    handler prints the message and exits 2.
    """
