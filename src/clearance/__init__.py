"""clearance: screen parties against official sanctions and export-control lists."""

from clearance.screening import Hit, QueryError, Screener

__version__ = "0.1.0"
__all__ = ["Hit", "QueryError", "Screener", "__version__"]
