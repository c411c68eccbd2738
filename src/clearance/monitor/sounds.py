"""The sound keys of a book's look-up keys, kept beside the store between monitoring runs.

A run after a list change probes every distinct look-up key of the book (its
words, and neighbouring words joined: 148,000 keys at 100,000 rows) against the
change's few words. Making each key's skeleton, romanisation fold and consonant
keys (`candidates.sound_keys`) was over half of that probing, about a second at
100,000 rows, and the same every run, as the book's keys hardly change. They
are a pure function of the key, so a run reads them from one file per portfolio,
adds the keys it had to make, and writes the file again when it grew; a full run
writes the keys of the whole book afresh.

The file is a cache, never evidence: one from another version of clearance, one
whose sampled entries do not match `sound_keys` any more, or one that cannot be
read is ignored (and replaced by the next run), and a run without it gives the
same answers, only slower.
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections.abc import Iterable
from pathlib import Path

from clearance.batch.writers import atomic_path
from clearance.matching.candidates import SoundKeys, sound_keys

log = logging.getLogger(__name__)

#: entries checked against `sound_keys` when a file is read: a change to how sound keys
#: are made that did not change the version (`run.scorer_version`, which the index
#: format is part of) is caught where it touches the entries sampled
SAMPLED = 16


class BookSounds:
    """Key -> its `SoundKeys` for one portfolio (`table`, filled as keys are probed)."""

    def __init__(self, path: Path, version: str, table: dict[str, SoundKeys]) -> None:
        self.path, self.version, self.table = path, version, table
        self._stored = len(table)

    @classmethod
    def load(cls, home: Path, portfolio_id: int, version: str) -> BookSounds:
        """The portfolio's keys as the last run left them (none, if not usable)."""
        path = sounds_path(home, portfolio_id)
        return cls(path, version, _read(path, version))

    def add(self, keys: Iterable[str], cached: bool = False) -> None:
        """Make the sound keys of those of `keys` not yet kept (`cached`: through the
        caches, as for the keys of rows just screened, whose sound keys are there)."""
        table = self.table
        for key in keys:
            if key not in table:
                table[key] = sound_keys(key, cached)

    def save(self, *, afresh: bool = False) -> None:
        """Write the table if keys were added since it was read (`afresh`: write it in any
        case, as a full run does, which leaves out the keys of rows gone)."""
        if not afresh and len(self.table) == self._stored:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(self.path) as temporary, temporary.open("wb") as handle:
                pickle.dump((self.version, self.table), handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as error:
            # the run is recorded by now: a cache that cannot be written only costs the
            # next run the time to make the keys again
            log.warning("%s: not written (%s); the next run makes its keys again", self.path, error)
            return
        self._stored = len(self.table)


def sounds_path(home: Path, portfolio_id: int) -> Path:
    return home / "monitor" / f"portfolio-{portfolio_id}.sounds"


def _read(path: Path, version: str) -> dict[str, SoundKeys]:
    try:
        with path.open("rb") as handle:
            stored_version, table = pickle.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, pickle.UnpicklingError, TypeError, ValueError) as error:
        log.warning("%s: not readable (%s); its sound keys are made again", path, error)
        return {}
    if stored_version != version or not isinstance(table, dict):
        return {}
    step = max(1, len(table) // SAMPLED)
    for key in itertools.islice(table, 0, SAMPLED * step, step):
        if table[key] != sound_keys(key):
            log.warning("%s: sound keys made another way; they are made again", path)
            return {}
    return table
