"""Which listed names could a query be? A bounded lookup in the index, never a scan.

Each query token reaches similar index tokens through exact, deletion and
skeleton keys; adjacent query tokens are also tried joined ("hang zhou" →
"hangzhou") and long ones split in two ("alqaida" → "al" + "qaida"). Names are
ranked by the inverse-document-frequency weight of what they share, so a rare
token ("hikvision") outranks a common one ("technology"); each query part is
credited once per name, at most at its own weight, and initials by the parts
they may stand for, so the many names full of "Mohammad" spellings do not crowd
out "Dost Mohammad" for "D. Mohammad".
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from clearance.index.build import MIN_FUZZY_LENGTH, NameEntry, ScreeningIndex, deletions
from clearance.matching.tokens import ABJAD, GREEK, token_similarity
from clearance.names import NormalizedName, abjad_keys, romanization_fold, skeleton
from clearance.names.arabic import ARTICLES
from clearance.names.greek import greek_fold

_NAME_ENTITY = NameEntry._fields.index("entity")
_NAME_TOKENS = NameEntry._fields.index("tokens")

#: tokens this long are also looked up two edits away
TWO_EDIT_LENGTH = 7
#: a query word this long that the lists do not hold is also tried split in two
SPLIT_LENGTH = 6
#: query tokens whose similar index tokens are remembered
SIMILAR_CACHE_SIZE = 100_000
#: what a matching initial adds to a candidate's weight
INITIAL_WEIGHT = 2.0
#: how many of the best candidates an initial is checked against
INITIAL_POOL = 5000
#: listed parties kept for full scoring (each with its names that came up)
MAX_CANDIDATES = 20
#: candidates sharing less than this share of the best candidate's weight are dropped
RELATIVE_FLOOR = 0.3
#: shared weight below this share of the lighter name's weight is not worth scoring
COVER_FLOOR = 0.35
#: how many of the names sharing most with the query are ranked
RANKED_POOL = 400
#: how much a candidate's unshared weight lowers its rank, against its shared weight
UNSHARED_WEIGHT = 0.1


class Window(NamedTuple):
    """The ranking just around a bar's rank, so that one party entering or leaving a
    row's candidates can be followed without screening the row again.

    `size`: how many parties are candidates; `last`: the `party_key` of the last
    of them (whom one entering pushes out) and `last_rank` the rank of its first
    name; `next`: the `party_key` of the first party left out (who comes in when
    one leaves; 0 when none was) and `after` the rank of the first name of the
    party after it (infinity: none); `low_clear`: no other candidate has a name
    ranked after the last party's first name (so moving the bar up to it takes
    no name from them); `high_clear`: no candidate has a name ranked between the
    bar and `after` (so moving the bar down gives them none). Where `further`
    (windows kept before it are without): `second` the `party_key` of the party
    whose first name is at `after` (0: none), `beyond` the rank of the first name
    of the party after that one (infinity: none), and `beyond_clear` no candidate
    has a name ranked between the bar and `beyond`: what two parties leaving let
    in, and where the bar then goes.

    A row with a type passes over parties of other kinds until it has its
    candidates, then stops at the next name of any party it has not taken (one it
    passed over included); `next` is that party, and `second` the first party
    after it that the row's type allows. Where `kinds` (windows kept before it
    are without): `next_allowed` whether the type allows `next`, `after_any` the
    rank of the first name after `next`'s of a party not taken other than `next`,
    and `beyond_any` that of the first name after `second`'s of a party not taken
    other than `second`: where the look-up stops when one candidate leaves (the
    party let in is `next` where allowed, else `second`). And `low_rank` the rank
    of the first name of the party taken before the last (in the order of their
    first names), with `low_kinds_clear` no name of a party not taken ranked
    between it and the last party's first name: where the look-up stops when one
    party enters a full row, pushing the last one out."""

    size: int
    last: int
    last_rank: float
    next: int
    after: float
    low_clear: bool
    high_clear: bool
    second: int = 0
    beyond: float = math.inf
    beyond_clear: bool = False
    further: bool = False
    kinds: bool = False
    next_allowed: bool = True
    after_any: float = math.inf
    beyond_any: float = math.inf
    low_rank: float = -math.inf
    low_kinds_clear: bool = False


class CandidateBar(NamedTuple):
    """What a row's look-up looked like at its edges, so a list change can be checked
    against it without screening the row again (monitor/scope.py).

    `best`: the best candidate's shared weight (minus infinity: any name the
    query reaches may change the answer, because none was found or only common
    words were); `floor`: the shared weight a name needs to be ranked at all;
    `rank`: the rank value of the first name left out (infinity: none was);
    `scored`: how many names the look-up credited, when the query's initials are
    checked against them (else 0: that pool is not cut); `ranked`: how many
    names were above the floor. The two counts tell whether a pool was cut, and
    let a change that adds or removes a few names be followed exactly.
    `parties`: the `party_key` of each party the screening scored (None: not
    known), so a change that leaves a party's names as they were needs checking
    only where that party was scored. `edge`: when more than `RANKED_POOL` names
    were above the floor, the shared weight of the last one ranked (infinity
    otherwise): a name clearly below it stays out of the ranking. `window`: the
    ranking around the bar (None: not kept, or the ranking was cut)."""

    best: float
    floor: float
    rank: float
    scored: int
    ranked: int
    parties: frozenset[int] | None = None
    edge: float = math.inf
    window: Window | None = None


ANY_CHANGE = CandidateBar(-math.inf, -math.inf, -math.inf, 0, 0)


def party_key(entity_id: str) -> int:
    """A listed party's id in 32 bits: a bar keeps a row's parties this way, in a sixth
    of the space of their ids. Two ids sharing a key only make a check run for both."""
    return zlib.crc32(entity_id.encode())


def rank_value(shared: float, weight: float) -> float:
    """A candidate's rank, lower first: what it shares, less a little for what it has beyond."""
    return UNSHARED_WEIGHT * max(0.0, weight - shared) - shared


def similar_tokens(index: ScreeningIndex, token: str, script: str = "Latin") -> dict[int, float]:
    """Index token id -> similarity, for index tokens alike enough to the query token.

    `script` is the query's: one written in Arabic script is compared with any
    listed token by consonants, a Latin one only with tokens of listed names
    written in Arabic script; one written in Greek is also compared after
    `greek_fold`. Customer books repeat name parts ("Wang", "Mohammed",
    "Trading"), so the answer is kept per index (bounded)."""
    cache = index.similar_cache
    found = cache.get((token, script))
    if found is None:
        if len(cache) >= SIMILAR_CACHE_SIZE:
            cache.clear()
        found = cache[(token, script)] = _similar_tokens(index, token, script, index.token_ids)
    return found


def _similar_tokens(
    index: ScreeningIndex, token: str, script: str, known: Container[str]
) -> dict[int, float]:
    """`known`: the tokens of the full index (`index` may hold only some, see `lookup_index`)."""
    return similarities(index, token, script, probe(index, token, script, known))


#: skeleton, romanisation fold and consonant keys, through their caches and without
_SOUND_KEYS: tuple[Callable[[str], str], Callable[[str], str], Callable[[str], tuple[str, ...]]] = (
    skeleton,
    romanization_fold,
    abjad_keys,
)
_SOUND_KEYS_ONCE: tuple[
    Callable[[str], str], Callable[[str], str], Callable[[str], tuple[str, ...]]
] = (skeleton.__wrapped__, romanization_fold.__wrapped__, abjad_keys.__wrapped__)

#: a token's skeleton, romanisation fold and consonant keys, as `probe` looks it up by
SoundKeys = tuple[str, str, tuple[str, ...]]


def sound_keys(token: str, cached: bool = False) -> SoundKeys:
    """The token's `SoundKeys`: monitoring keeps a book's between runs
    (monitor/sounds.py), as they cost more than the rest of probing its keys
    against a list change's few words. `cached`: through the caches a screening
    fills (right after screening the rows), else without them (see `probe`)."""
    sound = _SOUND_KEYS if cached else _SOUND_KEYS_ONCE
    return (sound[0](token), sound[1](token), sound[2](token))


#: by key length: every beginning and every ending of the deletion keys that long
Edges = Mapping[int, tuple[Container[str], Container[str]]]


def probe(
    index: ScreeningIndex,
    token: str,
    script: str,
    known: Container[str],
    edges: Edges | None = None,
    sounds: SoundKeys | None = None,
) -> set[int]:
    """The index tokens the query token's exact, deletion, skeleton, folded and
    consonant keys find, before they are compared with it (`sounds`: the token's
    `SoundKeys`, when already made).

    `edges` (`fuzzy_edges` of a small look-up index): every beginning and ending
    of its deletion keys, by the keys' length. A deletion key of the token starts
    with the letters before the first letter taken out and ends with those after
    the last, and can only be a key as long as itself: where those letters begin
    or end no such key, it is not looked up, and the search stops where no later
    one can begin one, finding the same tokens. Against the few words of a list
    change, a long unknown token's hundred two-deletion keys then shrink to a
    handful, most often to none."""
    fuzzy = index.fuzzy
    ids: set[int] = set(fuzzy.get(token, ()))
    length = len(token)
    if length >= MIN_FUZZY_LENGTH:
        if edges is None:
            for key in deletions(token):
                found = fuzzy.get(key)
                if found:
                    ids.update(found)
        else:
            shorter = edges.get(length - 1)
            if shorter is not None:
                _pruned_deletions(fuzzy, token, shorter[0], shorter[1], ids)
        if length >= TWO_EDIT_LENGTH and token not in known:
            if edges is None:
                # an unknown long token may be two edits from a listed one ("kaesrsky"):
                # each pair of positions taken out once (the deletions of its deletions,
                # without making each of them twice)
                for i in range(length):
                    head = token[:i]
                    for j in range(i + 1, length):
                        found = fuzzy.get(head + token[i + 1 : j] + token[j + 1 :])
                        if found:
                            ids.update(found)
            else:
                shortest = edges.get(length - 2)
                if shortest is not None:
                    _pruned_two_deletions(fuzzy, token, shortest[0], shortest[1], ids)
    if sounds is None:
        # Against a small index (`edges` given: monitoring's probe of each distinct key
        # of a book, once) the sound keys are made without their caches, which would
        # only fill up with keys never asked again and push out the listed names' own.
        sound = _SOUND_KEYS if edges is None else _SOUND_KEYS_ONCE
        skeleton_key, consonants = sound[0](token), sound[2](token)
        folded = sound[1](token) if length >= MIN_FUZZY_LENGTH else ""
    else:
        skeleton_key, folded, consonants = sounds
    if len(skeleton_key) >= 3:
        ids.update(index.skeletons.get(skeleton_key, ()))
    if length >= MIN_FUZZY_LENGTH:
        ids.update(index.folded.get(folded, ()))
    consonant_keys = index.all_consonant_keys if script == "Arabic" else index.consonant_keys
    for key in consonants:
        ids.update(consonant_keys.get(key, ()))
    if script == "Greek":
        ids.update(index.greek_folded.get(greek_fold(token), ()))
    return ids


def fuzzy_edges(index: ScreeningIndex) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Key length -> every beginning and every ending of the index's deletion keys of
    that length (for `probe`; worth it on small indexes)."""
    starts: dict[int, set[str]] = {}
    ends: dict[int, set[str]] = {}
    for key in index.fuzzy:
        size = len(key)
        starts.setdefault(size, set()).update(key[:i] for i in range(size + 1))
        ends.setdefault(size, set()).update(key[i:] for i in range(size + 1))
    return {size: (frozenset(starts[size]), frozenset(ends[size])) for size in starts}


def _first_cut(token: str, ends: Container[str]) -> int:
    """The first letter whose deletion leaves an ending some key has: the letters after
    a deletion end the key, and any ending of a key is itself ended by shorter ones."""
    first = len(token) - 1
    while first > 0 and token[first:] in ends:
        first -= 1
    return first


def _pruned_deletions(
    fuzzy: dict[str, Sequence[int]],
    token: str,
    starts: Container[str],
    ends: Container[str],
    ids: set[int],
) -> None:
    for i in range(_first_cut(token, ends), len(token)):
        if token[:i] not in starts:
            return  # every deletion from here on starts with token[:i]
        found = fuzzy.get(token[:i] + token[i + 1 :])
        if found:
            ids.update(found)


def _pruned_two_deletions(
    fuzzy: dict[str, Sequence[int]],
    token: str,
    starts: Container[str],
    ends: Container[str],
    ids: set[int],
) -> None:
    length = len(token)
    first = _first_cut(token, ends)  # where the second deletion may be, at the earliest
    for i in range(length - 1):
        head = token[:i]
        if head not in starts:
            return
        for j in range(max(i + 1, first), length):
            start = head + token[i + 1 : j]
            if start not in starts:
                break  # every later second deletion keeps this start
            found = fuzzy.get(start + token[j + 1 :])
            if found:
                ids.update(found)


def similarities(
    index: ScreeningIndex, token: str, script: str, ids: Iterable[int]
) -> dict[int, float]:
    """Token id -> similarity to the query token, for those of `ids` alike enough."""
    abjad = script == "Arabic"
    greek = script == "Greek"
    found = {}
    for token_id in ids:
        reading = ABJAD if abjad or token_id in index.abjad_tokens else GREEK if greek else ""
        similarity, _ = token_similarity(token, index.tokens[token_id], True, True, reading)
        if similarity > 0:
            found[token_id] = similarity
    return found


def _initials_bonus(
    name_rows: list[tuple[Any, ...]], name_id: int, initials: dict[str, int]
) -> float:
    """What the query's initials add to a name: each of its other parts starting with
    one of those letters, each part counted once. `name_rows`: the index's name rows
    (`index.names.rows`), read by the caller once for its thousands of names, as
    `Rows.field` is an uncompiled method call."""
    wanted = dict(initials)
    bonus = 0.0
    for token in name_rows[name_id][_NAME_TOKENS]:
        left = wanted.get(token[0], 0)
        if left and len(token) > 1:
            wanted[token[0]] = left - 1
            bonus += INITIAL_WEIGHT
    return bonus


def _query_keys(
    query: NormalizedName,
    index: ScreeningIndex,
    splits: dict[str, list[str]] | None = None,
) -> list[str]:
    """The query's tokens plus joins of neighbours and two-way splits into known tokens.
    `splits`: each long word's splits already made against this index (monitoring
    makes the keys of a whole book, whose words repeat)."""
    tokens = list(query.tokens)
    if query.script == "Arabic":
        tokens = [t for t in tokens if t not in ARTICLES]  # "al" is every second word
    keys = list(dict.fromkeys(tokens))
    # (indexed, not `itertools.pairwise`: a monitoring run makes the keys of every row
    # of a book, and the compiled loop skips the iterator's calls)
    for i in range(1, len(tokens)):
        keys.append(tokens[i - 1] + tokens[i])
    known = index.token_ids
    for token in tokens:
        if len(token) >= SPLIT_LENGTH and token not in known:
            if splits is None:
                keys += _splits(token, index)
            else:
                made = splits.get(token)
                if made is None:
                    made = splits[token] = _splits(token, index)
                keys += made
    return list(dict.fromkeys(keys))


def _splits(token: str, index: ScreeningIndex) -> list[str]:
    """The two halves of each cut of `token` into two words the index holds."""
    found: list[str] = []
    for cut in range(2, len(token) - 1):
        if token[:cut] in index.token_ids and token[cut:] in index.token_ids:
            found += [token[:cut], token[cut:]]
    return found


def find_candidates(
    index: ScreeningIndex,
    query: NormalizedName,
    allowed: Callable[[int], bool] | None,
    limit: int = MAX_CANDIDATES,
) -> list[int]:
    """Name ids worth scoring, best first, from at most `limit` listed parties.

    `allowed(entity position)` filters by schema and dataset.
    """
    return find_candidates_with_bar(index, query, allowed, limit)[0]


def find_candidates_with_bar(
    index: ScreeningIndex,
    query: NormalizedName,
    allowed: Callable[[int], bool] | None,
    limit: int = MAX_CANDIDATES,
) -> tuple[list[int], CandidateBar]:
    """`find_candidates`, and what another name must reach to change the answer.

    Ties are broken by name id wherever a pool is cut, so names of unchanged
    entities, which keep their order in the next snapshot's index, are cut the
    same way there."""
    scores: dict[int, float] = {}
    common_limit = index.common_limit
    # per key: the best weight it gives each name, and its too common tokens
    per_key: list[tuple[dict[int, float], list[tuple[int, float]]]] = []
    own = set(query.tokens)
    has_words = any(len(t) > 1 for t in own)
    reached: set[int] = set()  # index tokens the query's own parts reach
    for key in _query_keys(query, index):
        # one query part stands for one part of a name: "Mohammad" is not credited
        # again for the "Mohammadi" beside "Mohammad" in the same name, nor a join
        # of two parts ("s mohammad") for a listed part one of them already reaches
        best: dict[int, float] = {}
        common: list[tuple[int, float]] = []
        fetched: list[tuple[int, float]] = []
        # a listed variant spelling is rarer than the common name it spells, but says
        # no more than the query's own word ("Mohhamad" for "Mohammad")
        key_id = index.token_ids.get(key)
        ceiling = index.max_idf if key_id is None else index.idf[key_id]
        is_own = key in own
        # beside other words an initial is looked up as an initial only: the parts
        # it may stand for are counted once, below
        initial = len(key) == 1 and has_words
        for token_id, similarity in similar_tokens(index, key, query.script).items():
            if initial and len(index.tokens[token_id]) > 1:
                continue
            if is_own:
                reached.add(token_id)
            elif token_id in reached:
                continue
            weight = min(index.idf[token_id], ceiling) * similarity
            if len(index.postings[token_id]) > common_limit:
                common.append((token_id, weight))
            else:
                fetched.append((token_id, weight))
        get = scores.get
        if len(fetched) == 1 and not common:
            # the usual case, one listed token for the key: no best to pick per name
            token_id, weight = fetched[0]
            for name_id in index.postings[token_id]:
                scores[name_id] = get(name_id, 0.0) + weight
        elif not common:
            # heaviest first, so a name's first credit for this key is its best
            fetched.sort(key=lambda f: -f[1])
            seen: set[int] = set()
            for token_id, weight in fetched:
                for name_id in index.postings[token_id]:
                    if name_id not in seen:
                        seen.add(name_id)
                        scores[name_id] = get(name_id, 0.0) + weight
        else:  # the common tokens' pass below needs each name's best for this key
            best_of = best.get
            for token_id, weight in fetched:
                for name_id in index.postings[token_id]:
                    if best_of(name_id, 0.0) < weight:
                        best[name_id] = weight
            for name_id, weight in best.items():
                scores[name_id] = get(name_id, 0.0) + weight
        per_key.append((best, common))
    deferred = [d for _best, common in per_key for d in common]
    any_change = False
    if deferred and not scores:
        any_change = True  # the names with most common words: any other such name counts
        # only common tokens ("Ahmad Ali Ahmad"): the names that have most of them
        deferred.sort(key=lambda d: len(index.postings[d[0]]))
        names = set(index.postings[deferred[0][0]])
        for token_id, _weight in deferred[1:]:
            narrower = names.intersection(index.postings[token_id])
            if narrower:
                names = narrower
        scores = dict.fromkeys(names, 0.0)
    for best, common in per_key:
        if not common:
            continue
        extra: dict[int, float] = {}
        for token_id, weight in common:
            for name_id in scores.keys() & set(index.postings[token_id]):
                if weight > extra.get(name_id, 0.0):
                    extra[name_id] = weight
        for name_id, weight in extra.items():
            gain = weight - best.get(name_id, 0.0)
            if gain > 0:
                scores[name_id] += gain
    for name_id in index.joined.get(query.joined, ()):
        scores[name_id] = scores.get(name_id, 0.0) + index.max_idf
    initials: dict[str, int] = {}
    for token in query.tokens:
        if len(token) == 1:
            initials[token] = initials.get(token, 0) + 1
    # a person's initials ("I. Al-Hasan", "M. M. Saleh"): among the many Al-Hasans,
    # those with other parts starting with those letters, each part counted once
    scored = 0
    name_rows = index.names.rows  # read once: `Rows.field` is an uncompiled call
    if initials and len(query.tokens) > sum(initials.values()) and scores:
        pool = list(scores)
        scored = len(pool)
        if len(pool) > INITIAL_POOL:
            pool = heapq.nlargest(INITIAL_POOL, pool, key=lambda n: (scores[n], -n))
        for name_id in pool:
            scores[name_id] += _initials_bonus(name_rows, name_id, initials)
    if not scores:
        return [], ANY_CHANGE
    # Names sharing only a small part of what the best candidates share are not
    # worth scoring: their name score cannot come near a match.
    best_score = max(scores.values())
    floor = best_score * RELATIVE_FLOOR
    # Nor are names whose shared weight covers little of the lighter of the two
    # names: the name score is at most about shared / min(query weight, name weight).
    weights = index.name_weights
    query_weight = sum((index.token_idf(t) for t in query.tokens), 0.0)
    above = [
        n
        for n, v in scores.items()
        if v >= floor and v >= COVER_FLOOR * min(query_weight, weights[n])
    ]
    ranked_count = len(above)
    edge = math.inf
    if len(above) > RANKED_POOL:
        # the penalty moves a name only a little: the best by shared weight suffice
        above = heapq.nlargest(RANKED_POOL, above, key=lambda n: (scores[n], -n))
        edge = scores[above[-1]]
    # what a name has beyond what it shares counts a little against it: of the
    # many names with "al" and "jihad", "AL-JIHAD" itself comes first
    ranked = [(rank_value(scores[n], weights[n]), n) for n in above]
    ranked.sort()
    kept: list[int] = []
    entities: set[int] = set()
    rank_bar = math.inf
    left_out = -1  # where in `ranked` the first name left out is
    # the last party taken, where its first name is in `kept`, and that name's rank;
    # where in `ranked` the last two parties taken are first named
    last, last_at, last_rank = -1, -1, math.inf
    low_first = last_first = -1
    for at, (rank, name_id) in enumerate(ranked):
        entity = name_rows[name_id][_NAME_ENTITY]
        if entity not in entities:
            if len(entities) == limit:
                rank_bar = rank  # the first name left out
                left_out = at
                break
            if allowed is not None and not allowed(entity):
                continue
            entities.add(entity)
            last, last_at, last_rank = entity, len(kept), rank
            low_first, last_first = last_first, at
        kept.append(name_id)
    if any_change:
        return kept, ANY_CHANGE
    window = None
    if edge == math.inf and kept:
        taken = (last, last_at, last_rank)
        window = _window(
            index, ranked, kept, entities, allowed, taken, left_out, (low_first, last_first)
        )
    bar = CandidateBar(best_score, floor, rank_bar, scored, ranked_count, edge=edge, window=window)
    return kept, bar


def _window(
    index: ScreeningIndex,
    ranked: list[tuple[float, int]],
    kept: list[int],
    entities: set[int],
    allowed: Callable[[int], bool] | None,
    taken: tuple[int, int, float],
    left_out: int,
    firsts: tuple[int, int],
) -> Window:
    """The bar's `Window`, from the ranking as `find_candidates_with_bar` walked it (not
    cut at an edge: the names after the bar are all in `ranked`); `firsts`: where in
    `ranked` the last two parties taken are first named (-1: none)."""
    name_rows = index.names.rows  # read once: `Rows.field` is an uncompiled call
    party_id = index.entities.field
    last, last_at, last_rank = taken
    low_clear = all(name_rows[n][_NAME_ENTITY] == last for n in kept[last_at + 1 :])
    following, after, high_clear = 0, math.inf, True
    second, beyond, beyond_clear = -1, math.inf, True
    # for a row with a type: where the look-up would stop after taking one party more
    # (at the next name of any party not taken, one it passed over included)
    kinds = allowed is not None and left_out >= 0
    after_any = beyond_any = math.inf
    if left_out >= 0:
        following = name_rows[ranked[left_out][1]][_NAME_ENTITY]
        for rank, name_id in ranked[left_out + 1 :]:
            entity = name_rows[name_id][_NAME_ENTITY]
            if kinds and entity not in entities:
                if after_any == math.inf and entity != following:
                    after_any = rank
                if second >= 0 and beyond_any == math.inf and entity != second:
                    beyond_any = rank
            if entity in entities:
                if second < 0:
                    high_clear = False
                beyond_clear = False
            elif entity not in (following, second) and (allowed is None or allowed(entity)):
                if second >= 0:
                    beyond = rank  # (and `beyond_any`, no later than this, is known)
                    break
                after, second = rank, entity
    next_allowed = allowed is None or left_out < 0 or allowed(following)
    low_rank, low_kinds_clear = -math.inf, False
    low_at, last_first = firsts
    if kinds and low_at >= 0:
        low_rank = ranked[low_at][0]
        low_kinds_clear = all(
            name_rows[n][_NAME_ENTITY] in entities for _r, n in ranked[low_at + 1 : last_first]
        )
    return Window(
        len(entities),
        party_key(party_id(last, 0)),
        last_rank,
        party_key(party_id(following, 0)) if left_out >= 0 else 0,
        after,
        low_clear,
        high_clear,
        party_key(party_id(second, 0)) if second >= 0 else 0,
        beyond,
        beyond_clear,
        True,
        kinds,
        next_allowed,
        after_any,
        beyond_any,
        low_rank,
        low_kinds_clear,
    )


def shared_weights(
    index: ScreeningIndex,
    query: NormalizedName,
    keys: list[str],
    reach: list[dict[int, float]],
    tokens: list[str],
    names_with: list[list[int]],
    joined: dict[str, list[int]],
) -> dict[int, float]:
    """The weight `find_candidates_with_bar` credits some names of `index` for `query`.

    The names are those in `names_with` (token number -> name ids with that
    token, `tokens` giving each token, every token of those names among them);
    `reach[i]` gives the token numbers `keys[i]` reaches and their
    similarity, as `similar_tokens` would in `index`; `joined`: spaceless form ->
    those names. The look-up's steps are followed in the same order, so each
    weight is the very float the look-up computes, provided the initials pool
    was not cut (every name then gets its initials) and not `ANY_CHANGE`."""
    scores: dict[int, float] = {}
    own = set(query.tokens)
    has_words = any(len(t) > 1 for t in own)
    reached: set[int] = set()
    per_key: list[tuple[dict[int, float], dict[int, float]]] = []
    # the index's tables as locals: read once, not once per word reached (the index is
    # not a compiled class, so each read of one of its fields is a dictionary look-up)
    token_ids, idf, postings = index.token_ids, index.idf, index.postings
    common_limit = index.common_limit
    for key, found in zip(keys, reach, strict=True):
        key_id = token_ids.get(key)
        ceiling = index.max_idf if key_id is None else idf[key_id]
        is_own = key in own
        initial = len(key) == 1 and has_words
        best: dict[int, float] = {}
        common: dict[int, float] = {}
        for number, similarity in found.items():
            token = tokens[number]
            if initial and len(token) > 1:
                continue
            if is_own:
                reached.add(number)
            elif number in reached:
                continue
            token_id = token_ids[token]
            weight = min(idf[token_id], ceiling) * similarity
            target = common if len(postings[token_id]) > common_limit else best
            for name_id in names_with[number]:
                if target.get(name_id, 0.0) < weight:
                    target[name_id] = weight
        for name_id, weight in best.items():
            scores[name_id] = scores.get(name_id, 0.0) + weight
        per_key.append((best, common))
    for best, common in per_key:
        for name_id, weight in common.items():
            if name_id in scores:
                gain = weight - best.get(name_id, 0.0)
                if gain > 0:
                    scores[name_id] += gain
    for name_id in joined.get(query.joined, ()):
        scores[name_id] = scores.get(name_id, 0.0) + index.max_idf
    initials: dict[str, int] = {}
    for token in query.tokens:
        if len(token) == 1:
            initials[token] = initials.get(token, 0) + 1
    if initials and len(query.tokens) > sum(initials.values()):
        name_rows = index.names.rows
        for name_id in scores:
            scores[name_id] += _initials_bonus(name_rows, name_id, initials)
    return scores
