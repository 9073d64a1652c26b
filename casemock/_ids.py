"""Random (version 4) UUIDs as text, the form of every id and request id casemock hands
out, at a fraction of ``str(uuid.uuid4())``'s cost.

``uuid4_text(bits)`` formats 128 random bits exactly as ``str(uuid.UUID(int=bits,
version=4))`` does, so a seeded store keeps handing out the ids it always did.
``random_uuid()`` draws the bits from a process-private generator seeded from the
operating system (and seeded again in a forked child, so pytest-xdist workers never share
ids): ids need to be unique, not secret, and a system call per id was the largest single
cost of storing a case. The global ``random`` module is not used, so code under test that
seeds it (hypothesis does, for every example) cannot make two ids collide.
"""

from __future__ import annotations

import os
import random

_source = random.Random()


def _reseed() -> None:
    _source.seed(os.urandom(32))


_reseed()
if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reseed)


# The variant digit of a version 4 UUID (binary 10xx) for each hex digit of random bits.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_bits = _source.getrandbits


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` for 128 bits: the version digit 4 and the
    variant digit written over the bits' own."""
    text = "%032x" % bits  # noqa: UP031 (the fastest formatting)
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{_VARIANT[text[16]]}{text[17:20]}-{text[20:]}"


def random_uuid() -> str:
    """A new random version 4 UUID as text."""
    return uuid4_text(_bits(128))
