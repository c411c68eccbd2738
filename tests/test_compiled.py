"""The compiled matcher: what runs is built from the source that is checked in."""

from __future__ import annotations

import os
from pathlib import Path

from clearance import _compiled


def test_no_compiled_module_is_older_than_its_source() -> None:
    assert _compiled.stale_builds() == []


def test_a_stale_build_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "matching" / "tokens.py"
    source.parent.mkdir()
    built = source.with_name("tokens.cpython-311-x86_64-linux-gnu.so")
    built.write_bytes(b"")
    source.write_text("# edited after the build\n")
    os.utime(built, (0, 0))
    assert _compiled.stale_builds(tmp_path) == ["matching/tokens.py"]
