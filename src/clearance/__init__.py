"""clearance: screen parties against official sanctions and export-control lists."""

__version__ = "0.1.0"
