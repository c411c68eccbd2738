"""A row's bar as the database keeps it: what is written reads back, and rows kept by
older versions read as knowing less, never more."""

from __future__ import annotations

import math

from clearance.matching.candidates import (
    ANY_CHANGE,
    INITIAL_POOL,
    RANKED_POOL,
    CandidateBar,
    Window,
)
from clearance.monitor.bars import (
    _EARLY_KINDS_WINDOW,
    _WINDOW,
    packed_parties,
    packed_window,
    screened_rows,
    unpacked_window,
)
from clearance.monitor.scope import Screened

WINDOW = Window(20, 11, -3.0, 12, -2.5, True, False)
FURTHER = WINDOW._replace(second=13, beyond=-2.0, beyond_clear=True, further=True)
KINDS = FURTHER._replace(
    kinds=True,
    next_allowed=False,
    after_any=-2.25,
    beyond_any=-2.1,
    low_rank=-3.5,
    low_kinds_clear=True,
)


def test_a_window_stored_before_windows_looked_further_reads_as_not_that_far() -> None:
    assert not WINDOW.further
    assert unpacked_window(_WINDOW.pack(20, 11, -3.0, 12, -2.5, 1)) == WINDOW
    assert unpacked_window(packed_window(FURTHER)) == FURTHER
    assert unpacked_window(packed_window(WINDOW)) == WINDOW
    # a typed row's window reads back with where its look-up would stop after one party
    # more; one kept before (or of a row without a type) reads as not knowing that
    assert unpacked_window(packed_window(KINDS)) == KINDS
    assert unpacked_window(packed_window(KINDS._replace(next_allowed=True))).next_allowed
    assert not unpacked_window(packed_window(FURTHER)).kinds
    # as versions between kept it, where the look-up would stop was counted otherwise
    early = _EARLY_KINDS_WINDOW.pack(20, 11, -3.0, 12, -2.5, 1 | 4 | 8, 13, -2.0, -2.25, -2.1)
    assert unpacked_window(early) == FURTHER
    assert unpacked_window(None) is None and packed_window(None) is None


def test_stored_bars_read_back_as_written_and_older_ones_as_knowing_less() -> None:
    """Columns: row_key, best, floor, rank, scored, ranked, script, tokens, parties,
    edge, window (NULL where a bar knew none, or was kept before the column was)."""
    parties = packed_parties(frozenset({7, 3}))
    rows = [
        ("whole", 4.0, 1.5, -2.0, 12, 9, "Latin", "ivan petrov", parties, 3.5,
         packed_window(FURTHER)),
        ("none left out", 4.0, 1.5, None, 12, 9, "Latin", "ivan", None, None, None),
        ("any change", None, None, None, 0, 0, "Latin", "li", parties, None, None),
        ("before counts", 4.0, 1.5, -2.0, None, None, "Latin", "ivan", None, None, None),
        ("before names", 4.0, 1.5, -2.0, 12, 9, None, None, None, None, None),
    ]  # fmt: skip
    read = screened_rows(rows, parties=True)
    assert read["whole"] == Screened(
        CandidateBar(4.0, 1.5, -2.0, 12, 9, frozenset({3, 7}), 3.5, FURTHER),
        "Latin",
        ("ivan", "petrov"),
    )
    assert read["none left out"].bar.rank == math.inf and read["none left out"].bar.edge == math.inf
    assert read["any change"].bar == ANY_CHANGE._replace(parties=frozenset({3, 7}))
    # pool counts not kept: as if both pools were cut, so no change is followed by them
    counts = read["before counts"].bar
    assert (counts.scored, counts.ranked) == (INITIAL_POOL + 1, RANKED_POOL + 1)
    # the name as normalised not kept: normalised again when checked
    assert read["before names"][1:3] == ("", ())
    assert screened_rows(rows, parties=False)["whole"].bar.parties is None
