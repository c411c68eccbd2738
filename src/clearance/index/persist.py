"""Save and load a snapshot's index as one file beside the store.

pickle is the fastest loader the standard library has for these dicts and
lists; the file is written to a temporary name and renamed, so a reader never
sees half an index.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from clearance.index.build import ScreeningIndex

FORMAT_VERSION = 11
#: the tables that look up a query's words by deletion, sound and spelling keys:
#: only screening needs them, so they are written last and a reader comparing two
#: snapshots (monitoring) stops before them (a tenth of a second of a 12,000-row run)
LOOKUP_TABLES = frozenset(
    ("fuzzy", "skeletons", "folded", "consonant_keys", "all_consonant_keys", "greek_folded")
)


def index_path(home: Path, snapshot_id: int) -> Path:
    return home / "indexes" / f"snapshot-{snapshot_id}.v{FORMAT_VERSION}.index"


def save_index(index: ScreeningIndex, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-")
    try:
        with os.fdopen(fd, "wb") as handle:
            # One pickle per table: pickle remembers every object it has written
            # until the dump ends, which for a million-entity index in one dump
            # cost 1.5 GB on top of the index itself.
            pickle.dump(FORMAT_VERSION, handle, protocol=pickle.HIGHEST_PROTOCOL)
            state = index.__getstate__()
            names = sorted(state, key=lambda name: name in LOOKUP_TABLES)  # look-ups last
            pickle.dump(names, handle, protocol=pickle.HIGHEST_PROTOCOL)
            for name in names:
                pickle.dump(state[name], handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_index(path: Path, *, lookups: bool = True) -> ScreeningIndex | None:
    """The index in `path`, or None if it is missing or from another format version.

    `lookups=False` leaves the `LOOKUP_TABLES` empty: an index to compare another
    snapshot's words, names and weights with, which cannot screen."""
    # the loader makes millions of small objects; collecting mid-way is waste
    with collector_paused():
        return _load(path, lookups)


def _load(path: Path, lookups: bool) -> ScreeningIndex | None:
    try:
        with path.open("rb") as handle:
            version = pickle.load(handle)
            if version != FORMAT_VERSION:
                return None
            names = pickle.load(handle)
            if set(names) != {f.name for f in fields(ScreeningIndex)}:
                return None
            keep = {n for n in names if lookups or n not in LOOKUP_TABLES}
            state: dict[str, Any] = {}
            for name in names:  # in the file's order, where the look-up tables come last
                if len(state) == len(keep):
                    break
                value = pickle.load(handle)
                if name in keep:
                    state[name] = value
        # The index lives as long as the process: keep the collector from walking its
        # millions of objects again (a full pass cost 0.8 s per query at 1M entities).
        # Frozen before the collector runs again, or its first pass walks them all
        # once (loading the shared lists' index took 0.41 s with that pass, 0.21 s
        # without).
        gc.freeze()
    except (OSError, EOFError, pickle.UnpicklingError, TypeError, ValueError):
        return None
    # (the tables left out stay as a new index has them: empty)
    index = ScreeningIndex.__new__(ScreeningIndex) if lookups else ScreeningIndex("")
    index.__dict__.update(state)
    return index


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off while a block makes or holds millions of small objects
    without reference cycles worth collecting (loading an index, a monitoring run),
    then as it was found: a block inside another that paused it leaves it paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
