"""Score a query against one listed name, and adjust for dates, countries and identifiers.

Name score: name parts are aligned one-to-one in any order (greedy on
similarity); each part weighs its inverse document frequency on the lists, so
rare parts decide and generic ones barely count. The score blends a weighted
Dice coefficient (both names must be explained) with the coverage of the
shorter name (a missing middle name or an extra word is forgiven), the latter
only in proportion to how much information the matched parts carry, so that a
lone common name ("Ali") cannot match every longer name containing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from clearance.index.build import EntityInfo, ScreeningIndex
from clearance.matching.tokens import ABJAD, GREEK, MIN_TOKEN_SIMILARITY, token_similarity
from clearance.model import IDENTIFIER_TYPES
from clearance.names import NormalizedName
from clearance.names.arabic import ABJAD_SCRIPTS, arabic_name_parts
from clearance.names.hangul import korean_fold

#: matched information (idf above a generic word's, summed) for full coverage credit
INFO_FULL = 4.0
COVERAGE_BLEND = 0.5
#: shortest spaceless form for which a whole-string comparison is trusted
MIN_JOINED = 8
#: below this, spaceless forms of different names are alike by chance
MIN_JOINED_SIMILARITY = 0.85
#: weight of an initial relative to the part it abbreviates
INITIAL_WEIGHT = 0.4

#: the same Korean syllable in another romanisation ("Jang" for "Chang")
KOREAN_SPELLING = 0.95
#: a Han or Hangul name with a syllable unaccounted for names someone else
SYLLABLE_MISSING_CAP = 0.75
#: a single-word name matched only approximately
SINGLE_TOKEN_DISCOUNT = 0.95
SINGLE_TOKEN_SURE = 0.83  # one edit in six letters or more

BIRTH_DATE_EXACT = 0.06
BIRTH_YEAR = 0.03
BIRTH_CONFLICT = -0.15
COUNTRY_AGREES = 0.03
COUNTRY_CONFLICT = -0.05
IDENTIFIER_DECIDES = 1.0
IDENTIFIER_WEAK = 0.1


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    how: str
    weight: float  # share of the name score this pair carries


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The result of comparing two names; the part-by-part detail is built only for the
    comparison that is explained (most comparisons lose to a better name)."""

    score: float
    q_tokens: tuple[str, ...]
    listed: tuple[str, ...]
    matched: tuple[tuple[int, int, float, str], ...]  # (query part, listed part, similarity, how)
    weights: tuple[tuple[float, ...], tuple[float, ...]]
    joined_similarity: float  # whole spaceless names compared (syllable breaks)

    @property
    def pairs(self) -> tuple[TokenPair, ...]:
        q_weights, c_weights = self.weights
        total = sum(q_weights, 0.0) + sum(c_weights, 0.0) or 1.0
        return tuple(
            TokenPair(
                self.q_tokens[i],
                self.listed[j],
                round(s, 4),
                how,
                round(s * (q_weights[i] + c_weights[j]) / total, 4),
            )
            for i, j, s, how in sorted(self.matched)
        )

    @property
    def unmatched_query(self) -> tuple[str, ...]:
        used = {m[0] for m in self.matched}
        return tuple(t for i, t in enumerate(self.q_tokens) if i not in used)

    @property
    def unmatched_listed(self) -> tuple[str, ...]:
        used = {m[1] for m in self.matched}
        return tuple(t for j, t in enumerate(self.listed) if j not in used)


def merge_runs(tokens: tuple[str, ...], known: set[str], longest: int = 4) -> tuple[str, ...]:
    """Join runs of adjacent parts that are written as one word on the other side.

    "quan guo" against "quanguo", or pinyin syllables "hang zhou" against "hangzhou".
    """
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + longest), i + 1, -1):
            if "".join(tokens[i:j]) in known:
                merged.append("".join(tokens[i:j]))
                i = j
                break
        else:
            merged.append(tokens[i])
            i += 1
    return tuple(merged)


#: scripts whose tokens are syllables: a missing one makes another name
SYLLABIC_SCRIPTS = frozenset({"Han", "Hangul", "Hiragana", "Katakana"})


def compare_names(
    query: NormalizedName,
    listed: tuple[str, ...],
    index: ScreeningIndex,
    *,
    initials: bool = True,
    listed_script: str = "Latin",
) -> NameComparison:
    """Compare a query with one listed name (tokens as normalised in the index);
    `listed_script` is the script the listed name was published in."""
    scripts = (query.script, listed_script)
    arabic = "Arabic" in scripts
    vowelless = arabic or any(s in ABJAD_SCRIPTS for s in scripts)
    reading = ABJAD if arabic else GREEK if query.script == "Greek" else ""
    options = (initials, vowelless, reading)
    q_tokens = query.tokens
    if arabic:
        # the Arabic article is romanised al-, el-, ul-…: it carries no identity
        q_tokens = arabic_name_parts(q_tokens)
        listed = arabic_name_parts(listed)
    best = _compare(query, q_tokens, listed, index, options)
    if best.score < 1.0 and best.unmatched_query and best.unmatched_listed:
        # parts may be split differently
        q_merged = merge_runs(q_tokens, set(listed)) if len(q_tokens) > 1 else q_tokens
        c_merged = merge_runs(listed, set(q_tokens)) if len(listed) > 1 else listed
        for q_variant, c_variant in ((q_merged, listed), (q_tokens, c_merged)):
            if (q_variant, c_variant) != (q_tokens, listed):
                other = _compare(query, q_variant, c_variant, index, options)
                if other.score >= best.score:
                    best = other
    return best


def _compare(
    query: NormalizedName,
    q_tokens: tuple[str, ...],
    listed: tuple[str, ...],
    index: ScreeningIndex,
    options: tuple[bool, bool, str],
) -> NameComparison:
    q_weights = [index.token_idf(t) for t in q_tokens]
    if q_tokens == listed:  # the commonest case among true hits: nothing to align
        weights = (tuple(q_weights), tuple(q_weights))
        exact = tuple((i, i, 1.0, "exact") for i in range(len(q_tokens)))
        return NameComparison(1.0, q_tokens, listed, exact, weights, 0.0)
    c_weights = [index.token_idf(t) for t in listed]
    # pinyin or Hangul syllables form a closed set: a "typo" there is another character
    syllabic = query.script in SYLLABIC_SCRIPTS
    pairs: list[tuple[float, int, int, str]] = []
    korean = query.script == "Hangul"
    for i, q in enumerate(q_tokens):
        for j, c in enumerate(listed):
            similarity, how = token_similarity(q, c, *options)
            if korean and how != "exact" and korean_fold(q) == korean_fold(c):
                similarity, how = KOREAN_SPELLING, "romanization"
            if korean and how == "typo" and similarity < MIN_TOKEN_SIMILARITY:
                continue  # one letter inside a short syllable ("jong"/"jang") is another
            if similarity > 0 and (how == "exact" or not syllabic or korean):
                pairs.append((similarity, -i, -j, how))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched: list[tuple[int, int, float, str]] = []
    for similarity, neg_i, neg_j, how in pairs:
        i, j = -neg_i, -neg_j
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched.append((i, j, similarity, how))
    for i, j, _similarity, how in matched:
        if how == "exact":
            continue
        if how == "initial":
            q_weights[i] = c_weights[j] = c_weights[j] * INITIAL_WEIGHT
        elif q_tokens[i] not in index.token_ids:
            q_weights[i] = c_weights[j]  # a misspelt part weighs what it stands for
    total_q, total_c = sum(q_weights, 0.0), sum(c_weights, 0.0)
    total = total_q + total_c
    weights = (tuple(q_weights), tuple(c_weights))
    if total <= 0:
        return NameComparison(0.0, q_tokens, listed, (), weights, 0.0)
    got_q = sum((s * q_weights[i] for i, _j, s, _h in matched), 0.0)
    got_c = sum((s * c_weights[j] for _i, j, s, _h in matched), 0.0)
    dice = (got_q + got_c) / total
    cover = max(got_q / total_q if total_q else 0.0, got_c / total_c if total_c else 0.0)
    # information: how much more than a generic word the matched parts say
    information = sum(
        (s * max(0.0, c_weights[j] - index.generic_idf) for _i, j, s, _h in matched), 0.0
    )
    credit = COVERAGE_BLEND * min(1.0, information / INFO_FULL)
    if len(matched) < 2 or query.script in SYLLABIC_SCRIPTS:
        # one shared part is not a partial name, and a missing syllable is another name
        credit = 0.0
    score = dice + credit * max(0.0, cover - dice)
    if syllabic and len(matched) < max(len(q_tokens), len(listed)):
        score = min(score, SYLLABLE_MISSING_CAP)  # 张建华 is not Zhang Jian
    if len(q_tokens) == 1 and len(listed) == 1 and matched and matched[0][2] < SINGLE_TOKEN_SURE:
        score *= SINGLE_TOKEN_DISCOUNT  # one short misspelt word: "Oprea" is not "Opera"
    joined = 0.0  # reported only when the spaceless comparison decided the score
    listed_joined = "".join(listed)
    unexplained = len(matched) < max(len(q_tokens), len(listed))
    if unexplained and min(len(query.joined), len(listed_joined)) >= MIN_JOINED:
        similarity = Levenshtein.normalized_similarity(query.joined, listed_joined)
        by_joined = similarity * min(1.0, information / INFO_FULL + 0.5)
        if similarity >= MIN_JOINED_SIMILARITY and by_joined > score:
            score, joined = by_joined, similarity
    return NameComparison(
        score=min(1.0, score),
        q_tokens=q_tokens,
        listed=listed,
        matched=tuple(matched),
        weights=weights,
        joined_similarity=round(joined, 4),
    )


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence beside the name, with its effect on the score."""

    name: str
    delta: float
    detail: str


def _dates_agree(query: str, listed: str) -> bool:
    """A partial date agrees with a fuller one it is a prefix of ("1955" ~ "1955-10-03")."""
    return listed.startswith(query) or query.startswith(listed)


def birth_date_feature(query: str | None, entity: EntityInfo) -> Feature | None:
    if not query or not entity.birth_dates:
        return None
    if any(_dates_agree(query, d) for d in entity.birth_dates):
        exact = any(d == query for d in entity.birth_dates) and len(query) == 10
        delta = BIRTH_DATE_EXACT if exact else BIRTH_YEAR
        return Feature("birth_date", delta, f"birth date {query} agrees")
    query_year = int(query[:4])
    if all(abs(int(d[:4]) - query_year) > 1 for d in entity.birth_dates):
        listed = ", ".join(entity.birth_dates[:3])
        return Feature("birth_date", BIRTH_CONFLICT, f"birth date {query} conflicts ({listed})")
    return None


def country_feature(query: frozenset[str], entity: EntityInfo) -> Feature | None:
    if not query or not entity.countries:
        return None
    shared = query & entity.countries
    if shared:
        codes = ", ".join(sorted(c.upper() for c in shared))
        return Feature("country", COUNTRY_AGREES, f"country {codes} agrees")
    listed = ", ".join(sorted(c.upper() for c in entity.countries))
    return Feature("country", COUNTRY_CONFLICT, f"country differs (listed: {listed})")


def identifier_feature(query: dict[str, str], entity: EntityInfo) -> Feature | None:
    """An exact strong identifier (passport, USCC, IMO, LEI, BIC, wallet) decides."""
    for value, type_, published in entity.identifiers:
        if value in query:
            strong = IDENTIFIER_TYPES.get(type_, False)
            return Feature(
                "identifier",
                IDENTIFIER_DECIDES if strong else IDENTIFIER_WEAK,
                f"identifier {query[value]} equals listed {type_} {published}",
            )
    return None
