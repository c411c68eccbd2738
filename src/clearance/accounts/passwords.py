"""Password hashing with argon2id (argon2-cffi).

Parameters: argon2-cffi's default, RFC 9106's "second recommended option"
(argon2id, 64 MiB, 3 passes, 4 lanes). The first recommended option needs
2 GiB per hash, which a server running several worker processes on a small
machine cannot spare for each login; 64 MiB still makes every guess cost an
attacker with a stolen table a GPU-unfriendly amount of memory. One hash or
check takes 0.2–0.35 s here (2 busy shared cores), a price paid once per login.

The parameters are written into each encoded hash, so raising them later only
needs `needs_rehash` at the next successful login: old hashes keep working and
are replaced as people log in.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["PasswordHasher", "default_hasher", "hash_password", "needs_rehash", "verify_password"]

_DEFAULT = PasswordHasher()


def default_hasher() -> PasswordHasher:
    return _DEFAULT


def _normal(password: str) -> str:
    # NIST SP 800-63B: the same password typed on another system (composed or
    # decomposed accents, full-width digits) must still be the same password
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, hasher: PasswordHasher = _DEFAULT) -> str:
    """The argon2id encoded string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)."""
    return hasher.hash(_normal(password))


def verify_password(encoded: str, password: str, hasher: PasswordHasher = _DEFAULT) -> bool:
    """True if the password matches; False for a wrong password or a damaged hash."""
    try:
        return hasher.verify(encoded, _normal(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str, hasher: PasswordHasher = _DEFAULT) -> bool:
    """True when the hash was made with other parameters than the hasher's."""
    try:
        return hasher.check_needs_rehash(encoded)
    except InvalidHashError:
        return True
