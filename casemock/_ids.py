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

# uuid.UUID(int=..., version=4): the variant bits 10 and the version nibble 4.
_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_SET = (0x8000 << 48) | (4 << 76)

_source = random.Random()


def _reseed() -> None:
    _source.seed(os.urandom(32))


_reseed()
if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reseed)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` for 128 bits."""
    text = f"{(bits & _CLEAR) | _SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# The variant digit of a version 4 UUID (binary 10xx) for each random hex digit.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_bits = _source.getrandbits


def random_uuid() -> str:
    """A new random version 4 UUID as text."""
    text = "%032x" % _bits(128)  # noqa: UP031 (the fastest formatting)
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{_VARIANT[text[16]]}{text[17:20]}-{text[20:]}"
