"""clearance: screen parties against official sanctions and export-control lists."""

from clearance._compiled import warn_if_stale

warn_if_stale()

from clearance.screening import Hit, QueryError, Screener  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Hit", "QueryError", "Screener", "__version__"]
