"""Checks a parsed release must pass before it may replace the active one.

A publisher's broken export (an empty file, half a list) looks just like a
mass delisting; serving it would silently clear sanctioned parties, so the
shrink guard holds such a release back until a person confirms it with --force.
"""

from __future__ import annotations

DEFAULT_MAX_SHRINK = 0.20


def check_release(
    count: int,
    previous_count: int | None,
    *,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    force: bool = False,
) -> str | None:
    """Why the release must not become active, or None if it may.

    `force` overrides the shrink guard only: an empty release is never served.
    """
    if count == 0:
        return "the release has no entities"
    if previous_count and not force:
        lost = (previous_count - count) / previous_count
        if lost > max_shrink:
            return (
                f"it has {count} entities, {lost:.0%} fewer than the active release's "
                f"{previous_count} (limit {max_shrink:.0%}); use --force if the list really shrank"
            )
    return None
