"""Deterministic PDF writing with pypdf: same input, same bytes.

pypdf draws file identifiers, encryption salts and AES initialisation
vectors from ``secrets.token_bytes``. The sample inbox must be byte-identical
from one run to the next, so while a sample is written that function is
replaced by a stream derived from the sample's name (never do this for a
real document: it makes the encryption predictable).
"""
from __future__ import annotations

import hashlib
import io
import secrets
from contextlib import contextmanager
from typing import Iterator
from unittest import mock

from pypdf import PdfReader, PdfWriter


@contextmanager
def seeded_randomness(seed: str) -> Iterator[None]:
    counter = iter(range(1 << 30))

    def token_bytes(count: int | None = None) -> bytes:
        out = b""
        while len(out) < (count or 32):
            out += hashlib.sha256(f"{seed}/{next(counter)}".encode()).digest()
        return out[:count or 32]

    with mock.patch.object(secrets, "token_bytes", token_bytes):
        yield


def written(writer: PdfWriter, seed: str) -> bytes:
    """The bytes of ``writer``, with file identifiers derived from ``seed``."""
    with seeded_randomness(seed):
        writer.generate_file_identifiers()
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def writer_of(pdf: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))


def concatenate(parts: list[bytes], seed: str) -> bytes:
    """The pages of ``parts`` in order, as one PDF."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    return written(writer, seed)


def encrypted(pdf: bytes, password: str, seed: str) -> bytes:
    """``pdf`` locked with a user password (AES-256), as a bidder's "protect" tool does."""
    writer = writer_of(pdf)
    with seeded_randomness(seed):
        writer.encrypt(user_password=password, owner_password=password + "-proprietaire",
                       algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()
