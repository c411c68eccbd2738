"""Listed entities whose names begin with what a user has typed so far (suggest services).

The screening index answers "who is this name?", not "which names begin with
this text?": an autocomplete box sends "hikv" long before "Hikvision". The
index already holds every normalised name token, so a sorted copy of its token
table (built once per loaded index: about 10 ms for 27,000 tokens) turns the
unfinished last word into a range found by bisection, while the finished words
must match whole tokens. Names are normalised as the index normalised them, so
"Хиквижн" or "hikvision, co." find the same names as a query would.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from clearance.index.build import ScreeningIndex
from clearance.names.normalize import normalize_name

#: one sorted token table, for the index this worker serves; a reload brings a new index
_sorted: tuple[ScreeningIndex, list[str]] | None = None


def _sorted_tokens(index: ScreeningIndex) -> list[str]:
    global _sorted
    cached = _sorted
    if cached is not None and cached[0] is index:
        return cached[1]
    tokens = sorted(index.tokens)
    _sorted = (index, tokens)  # two threads racing here both build the same list
    return tokens


def prefix_entities(
    index: ScreeningIndex, text: str, allowed: Callable[[int], bool], limit: int
) -> list[tuple[int, int]]:
    """(entity position, name id) of entities with a name holding the typed words, the
    last one as a prefix; the name is the one that matched, for display.

    Names that begin with the typed words come first, then shorter names, so
    "hikv" lists "Hikvision" before "Hangzhou Hikvision Digital Technology".
    """
    typed = normalize_name(text).tokens
    if not typed or limit <= 0:
        return []
    *complete, last = typed
    tokens = _sorted_tokens(index)
    start = bisect_left(tokens, last)
    end = bisect_left(tokens, last + "\U0010ffff", lo=start)
    names: set[int] = set()
    for token in tokens[start:end]:
        names.update(index.postings[index.token_ids[token]])
    for word in complete:
        token_id = index.token_ids.get(word)
        if token_id is None:
            return []
        names.intersection_update(index.postings[token_id])
    size = len(complete)

    def rank(name_id: int) -> tuple[bool, int, str]:
        entry = index.names[name_id]
        begins = list(entry.tokens[:size]) == complete and (
            len(entry.tokens) > size and entry.tokens[size].startswith(last)
        )
        return (not begins, len(entry.tokens), entry.original.casefold())

    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for name_id in sorted(names, key=rank):
        position = index.names.field(name_id, 0)
        if position in seen or not allowed(position):
            continue
        seen.add(position)
        found.append((position, name_id))
        if len(found) >= limit:
            break
    return found
