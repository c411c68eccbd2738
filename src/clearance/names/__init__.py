"""Name normalisation: one comparable Latin form for a name in any script.

Heavy lifting (transliteration, legal-form tables, person prefixes) comes from
rigour; this package adds only what rigour lacks for screening.
"""

from clearance.names.normalize import NormalizedName, normalize_name
from clearance.names.phonetics import abjad_keys, romanization_fold, skeleton

__all__ = [
    "NormalizedName",
    "abjad_keys",
    "normalize_name",
    "romanization_fold",
    "skeleton",
]
