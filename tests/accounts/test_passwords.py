"""argon2id hashing: the encoded string, refusals, and rehashing when parameters change."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher

from clearance.accounts.passwords import hash_password, needs_rehash, verify_password

PASSWORD = "correct horse battery staple"


def test_hash_is_an_argon2id_encoded_string_with_its_parameters() -> None:
    encoded = hash_password(PASSWORD)
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in encoded
    assert hash_password(PASSWORD) != encoded  # a new salt every time


def test_right_password_accepted_wrong_refused() -> None:
    encoded = hash_password(PASSWORD)
    assert verify_password(encoded, PASSWORD)
    assert not verify_password(encoded, PASSWORD + " ")
    assert not verify_password(encoded, PASSWORD.upper())
    assert not verify_password("not a hash at all", PASSWORD)


def test_the_same_password_typed_with_decomposed_accents_matches() -> None:
    composed = "café crème brûlée"
    encoded = hash_password(composed)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert verify_password(encoded, decomposed)


def test_rehash_needed_when_parameters_change() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    old = hash_password(PASSWORD, weak)
    assert old.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert verify_password(old, PASSWORD)  # old hashes keep working
    assert needs_rehash(old)
    assert not needs_rehash(hash_password(PASSWORD))
    assert not needs_rehash(old, weak)
