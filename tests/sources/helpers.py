"""Assertions shared by the parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.sources.base import ParseFunction, SourceError


def parse_fails(parse: ParseFunction, path: Path, dataset: str, *needles: str) -> SourceError:
    """Parsing `path` raises a SourceError that names the file and says each needle."""
    with pytest.raises(SourceError) as info:
        parse([path], dataset)
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message
    return info.value
