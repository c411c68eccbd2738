"""The HTTP service: yente-compatible and native APIs over one Screener."""
