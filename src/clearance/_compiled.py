"""The matcher's hot modules, and the monitor's per-row check, are compiled in place
by mypyc at `pip install -e .`.

A compiled module is imported instead of its source, so an edited source beside
an older build would be silently ignored; importing clearance warns about that.
The list must match `[tool.hatch.build.targets.wheel.hooks.mypyc]` in pyproject.toml.
"""

from __future__ import annotations

import warnings
from pathlib import Path

COMPILED = (
    "matching/tokens.py",
    "matching/score.py",
    "matching/candidates.py",
    "names/phonetics.py",
    "names/greek.py",
    "monitor/scope.py",
    "monitor/bars.py",
)


def stale_builds(root: Path = Path(__file__).parent) -> list[str]:
    """Compiled modules older than their source."""
    stale = []
    for relative in COMPILED:
        source = root / relative
        for built in source.parent.glob(f"{source.stem}.*.so"):
            if built.stat().st_mtime < source.stat().st_mtime:
                stale.append(relative)
    return stale


def warn_if_stale() -> None:
    if stale := stale_builds():
        warnings.warn(
            f"compiled {', '.join(stale)} older than the source: run `pip install -e .` again",
            stacklevel=2,
        )
