"""numpy's first uniform number of a fresh stream, worked out on Python integers.

An event's luck in a turn is ``Generator(PCG64(SeedSequence([seed, event, turn]))).random()``
(``state.event_draws``): a new stream for each event and turn, so an event's luck does not
depend on which other events a pack has. Building that stream costs tens of microseconds of
numpy's setting up (a seed sequence, a bit generator, a generator, an array) for a single
number. A lone game draws one; this module computes the same number on Python's integers
from the same published algorithms, to the bit (tests/test_first_draw.py compares them on
thousands of entropies, small, zero and wider than 32 bits):

- ``SeedSequence``'s mixing of its entropy words into a pool of four 32-bit words, and its
  ``generate_state(4, uint64)`` (numpy/random/bit_generator.pyx; Melissa O'Neill's
  ``seed_seq`` alternative). Its hash constants move in a sequence fixed in advance, worked
  out here once (``_HASH_A``, ``_HASH_B``).
- ``PCG64``'s seeding (``pcg_setseq_128_srandom_r``: state 0, increment ``2 * seq + 1``, a
  step, the initial state added, a step) and one ``XSL RR`` output after a step
  (numpy/random/src/pcg64/pcg64.h).
- ``random()``'s double: the top 53 bits of that output times 2**-53 (exact on any machine).
"""

from __future__ import annotations

from collections.abc import Sequence

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_MASK128 = (1 << 128) - 1
_MULT_A, _INIT_A = 0x931E8875, 0x43B0D7E5
_MULT_B, _INIT_B = 0x58F38DED, 0x8B51F9DD
_MIX_LEFT, _MIX_RIGHT = 0xCA01F9DD, 0x4973F715
_PCG_MULTIPLIER = (2549297995355413924 << 64) | 4865540595714422341


def _constants(first: int, multiplier: int, count: int) -> tuple[int, ...]:
    """The hash constant before each hash (it is multiplied after each, whatever is hashed)."""
    found = [first]
    for _ in range(count):
        found.append(found[-1] * multiplier & _MASK32)
    return tuple(found)


_HASH_A = _constants(_INIT_A, _MULT_A, 4 + 12 + 4 * 64)  # the pool, its mixing, entropy past the pool
_HASH_B = _constants(_INIT_B, _MULT_B, 8)  # generate_state's eight 32-bit words
_PAIRS = tuple((source, target) for source in range(4) for target in range(4) if source != target)


def _words(entropy: Sequence[int]) -> list[int] | None:
    """The entropy as 32-bit words, each number's lowest first, as ``SeedSequence`` takes them
    (None for what numpy would refuse or read otherwise: not an int, negative, too wide)."""
    words: list[int] = []
    for number in entropy:
        if type(number) is not int or number < 0:
            return None
        if number <= _MASK32:
            words.append(number)  # zero too is one word
            continue
        while number:
            words.append(number & _MASK32)
            number >>= 32
    if len(words) > 64:
        return None
    return words


def first_uniform(entropy: Sequence[int]) -> float | None:
    """``Generator(PCG64(SeedSequence(entropy))).random()``, or None where it is left to numpy."""
    words = _words(entropy)
    if words is None:
        return None
    words += [0] * (4 - len(words))
    hash_a = _HASH_A
    pool = []
    for index in range(4):
        value = (words[index] ^ hash_a[index]) * hash_a[index + 1] & _MASK32
        pool.append(value ^ (value >> 16))
    at = 4
    for source, target in _PAIRS:
        value = (pool[source] ^ hash_a[at]) * hash_a[at + 1] & _MASK32
        at += 1
        mixed = (_MIX_LEFT * pool[target] - _MIX_RIGHT * (value ^ (value >> 16))) & _MASK32
        pool[target] = mixed ^ (mixed >> 16)
    for word in words[4:]:
        for target in range(4):
            value = (word ^ hash_a[at]) * hash_a[at + 1] & _MASK32
            at += 1
            mixed = (_MIX_LEFT * pool[target] - _MIX_RIGHT * (value ^ (value >> 16))) & _MASK32
            pool[target] = mixed ^ (mixed >> 16)
    hash_b = _HASH_B
    state32 = []
    for index in range(8):
        value = (pool[index & 3] ^ hash_b[index]) * hash_b[index + 1] & _MASK32
        state32.append(value ^ (value >> 16))
    # four little-endian 64-bit words: the initial state (words 0, 1) and the sequence (2, 3)
    initial = (state32[1] << 96) | (state32[0] << 64) | (state32[3] << 32) | state32[2]
    sequence = (state32[5] << 96) | (state32[4] << 64) | (state32[7] << 32) | state32[6]
    increment = ((sequence << 1) | 1) & _MASK128
    state = (increment + initial) & _MASK128  # the first step from 0 gives the increment
    state = (state * _PCG_MULTIPLIER + increment) & _MASK128
    state = (state * _PCG_MULTIPLIER + increment) & _MASK128  # the draw's own step
    folded = ((state >> 64) ^ state) & _MASK64
    turn = state >> 122
    output = ((folded >> turn) | (folded << (-turn & 63))) & _MASK64
    return (output >> 11) * (1.0 / 9007199254740992.0)
