"""How a row's bar is kept between runs: its columns in `monitor_row_bars`, packed and
unpacked.

A run after a list change reads the bar of every row of the book (100,000 at a
time); turning the stored columns back into `Screened` values was a tenth of
such a run when written in plain Python, so this module is compiled with mypyc
(`clearance._compiled`).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any

from clearance.matching.candidates import (
    ANY_CHANGE,
    INITIAL_POOL,
    RANKED_POOL,
    CandidateBar,
    Window,
)
from clearance.monitor.scope import Screened

#: a bar's Window as kept before it looked further: size, last, last_rank, next, after,
#: and the two flags as bits
_WINDOW = struct.Struct("<HIdIdB")
#: and since: then second and beyond, and beyond_clear as a third bit
_FURTHER_WINDOW = struct.Struct("<HIdIdBId")
#: and for a row with a type, since: after_any, beyond_any and low_rank, next_allowed and
#: low_kinds_clear as a fourth and fifth bit
_KINDS_WINDOW = struct.Struct("<HIdIdBIdddd")
#: as versions between them kept it (after_any counted otherwise): read as not knowing it
_EARLY_KINDS_WINDOW = struct.Struct("<HIdIdBIddd")


def packed_parties(parties: frozenset[int] | None) -> bytes | None:
    """A bar's party keys as 4 bytes each (little-endian, sorted)."""
    if parties is None:
        return None
    return struct.pack(f"<{len(parties)}I", *sorted(parties))


def unpacked_parties(packed: bytes | None) -> frozenset[int] | None:
    if packed is None:
        return None
    return frozenset(struct.unpack(f"<{len(packed) // 4}I", packed))


def packed_window(window: Window | None) -> bytes | None:
    if window is None:
        return None
    flags = window.low_clear | window.high_clear << 1 | window.beyond_clear << 2
    if not window.further:
        return _WINDOW.pack(
            window.size, window.last, window.last_rank, window.next, window.after, flags & 3
        )
    if window.kinds:
        return _KINDS_WINDOW.pack(
            window.size, window.last, window.last_rank, window.next, window.after,
            flags | window.next_allowed << 3 | window.low_kinds_clear << 4,
            window.second, window.beyond, window.after_any, window.beyond_any, window.low_rank,
        )  # fmt: skip
    return _FURTHER_WINDOW.pack(
        window.size, window.last, window.last_rank, window.next, window.after, flags,
        window.second, window.beyond,
    )  # fmt: skip


def unpacked_window(packed: bytes | None) -> Window | None:
    if packed is None:
        return None
    if len(packed) == _WINDOW.size:
        size, last, last_rank, following, after, flags = _WINDOW.unpack(packed)
        return Window(size, last, last_rank, following, after, bool(flags & 1), bool(flags & 2))
    if len(packed) == _KINDS_WINDOW.size:
        (
            size, last, last_rank, following, after, flags, second, beyond,
            after_any, beyond_any, low_rank,
        ) = _KINDS_WINDOW.unpack(packed)  # fmt: skip
        return Window(
            size, last, last_rank, following, after, bool(flags & 1), bool(flags & 2),
            second, beyond, bool(flags & 4), True, True, bool(flags & 8), after_any, beyond_any,
            low_rank, bool(flags & 16),
        )  # fmt: skip
    if len(packed) == _EARLY_KINDS_WINDOW.size:
        packed = packed[: _FURTHER_WINDOW.size]
    size, last, last_rank, following, after, flags, second, beyond = _FURTHER_WINDOW.unpack(packed)
    return Window(
        size, last, last_rank, following, after, bool(flags & 1), bool(flags & 2),
        second, beyond, bool(flags & 4), True,
    )  # fmt: skip


def screened_rows(rows: Sequence[Any], parties: bool) -> dict[str, Screened]:
    """Row key -> what its last screening left, from the stored columns (row_key, best,
    floor, rank, scored, ranked, script, tokens, parties, edge, window).
    `parties`: whether to unpack the parties each bar names (None otherwise)."""
    found: dict[str, Screened] = {}
    for row in rows:
        key: str = row[0]
        best: float | None = row[1]
        scored: int | None = row[4]
        ranked: int | None = row[5]
        script: str | None = row[6]
        tokens: str | None = row[7]
        if scored is None or ranked is None:  # kept before the counts were: as if cut
            scored, ranked = INITIAL_POOL + 1, RANKED_POOL + 1
        scored_parties = unpacked_parties(row[8]) if parties else None
        if best is None:
            bar = ANY_CHANGE._replace(parties=scored_parties)
        else:
            rank: float | None = row[3]
            edge: float | None = row[9]
            bar = CandidateBar(
                best,
                row[2],
                math.inf if rank is None else rank,
                scored,
                ranked,
                scored_parties,
                math.inf if edge is None else edge,
                unpacked_window(row[10]),
            )
        if script is not None and tokens is not None:
            found[key] = Screened(bar, script, tuple(tokens.split()))
        else:
            found[key] = Screened(bar, "", ())
    return found
