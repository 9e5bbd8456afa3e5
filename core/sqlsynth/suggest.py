"""Did-you-mean suggestions for names a user got slightly wrong."""

from __future__ import annotations

from collections.abc import Iterable


def nearest(word: str, candidates: Iterable[str], *, cutoff: float = 60.0) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None if nothing is close.

    >>> nearest("custmer_id", ["customer_id", "order_id"])
    'customer_id'
    """
    from rapidfuzz import fuzz, process

    options = list(dict.fromkeys(candidates))
    if not options:
        return None
    match = process.extractOne(
        word.lower(), options, scorer=fuzz.WRatio, processor=str.lower, score_cutoff=cutoff
    )
    return match[0] if match else None
