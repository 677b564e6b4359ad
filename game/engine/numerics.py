"""What a machine's numbers depend on beyond IEEE arithmetic: a key for "the same bits here".

Addition, multiplication, division and square roots round the same on every IEEE machine, so
a game's numbers are the same to the bit wherever those are all it uses. Its formulas' ``exp``,
``log`` and powers are not: numpy computes them with routines of its own on processors with
AVX-512 (numpy's X86_V4 targets) and with the C library's elsewhere, and C libraries differ from
one another. Each is within about one unit in the last place of the true value, so the games
agree to about 1e-15 of each number, but not to the bit.

``numerics_key()`` names this machine's routines by what they give on fixed probes: two
machines with the same key compute the same bits for the same content, plan and seed (the
digests of tests/engine_digests.py are recorded per key). Its parts:

- ``numpy``: numpy's version, major.minor (its routines may change between releases);
- ``routines``: ``"C library"`` when numpy's exp, log and power give the C library's bits on
  every probe, ``"numpy's own"`` otherwise;
- ``c_library``: a hash of the C library's exp, log and pow on the probes (through ``math``);
- ``numpy_bits``: a hash of numpy's exp, log and power on the probes (and of the normal draws
  the engine makes for uncertain parameters).
"""

from __future__ import annotations

import hashlib
import math
from functools import cache

import numpy as np

PROBES = 4096
"""Probe values per function: enough that two routines differing on a share of a percent of
inputs (as numpy's AVX-512 exp and the C library's do) disagree on some probe."""


def _probes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs for exp (-30..30), log and the base of a power (1e-6..1e3), exponents (-4..4)."""
    draws = np.random.default_rng(20121).random((3, PROBES))  # PCG64 bits are the same everywhere
    exponents = -30.0 + 60.0 * draws[0]
    positives = 1e-6 + 1e3 * draws[1] * draws[1] * draws[1]  # IEEE products only, many magnitudes
    powers = -4.0 + 8.0 * draws[2]
    return exponents, positives, powers


def _hash(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for array in arrays:
        h.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


@cache
def numerics_key() -> dict[str, str]:
    """This machine's floating-point routines, as the parts listed in the module's docstring."""
    x, p, q = _probes()
    ours = (np.exp(x), np.log(p), np.power(p, q))
    theirs = (
        np.array([math.exp(v) for v in x.tolist()]),
        np.array([math.log(v) for v in p.tolist()]),
        np.array([math.pow(b, e) for b, e in zip(p.tolist(), q.tolist(), strict=True)]),
    )
    same = all(np.array_equal(a.view(np.int64), b.view(np.int64)) for a, b in zip(ours, theirs, strict=True))
    normals = np.random.default_rng(20121).normal(0.0, 1.0, PROBES)
    return {
        "numpy": ".".join(np.__version__.split(".")[:2]),
        "routines": "C library" if same else "numpy's own",
        "c_library": _hash(*theirs),
        "numpy_bits": _hash(*ours, normals),
    }


def same_numerics(recorded: dict[str, str]) -> bool:
    """Whether numbers recorded under ``recorded`` (a key, or the parts of one that are known)
    are this machine's to the bit: every part it gives is this machine's."""
    key = numerics_key()
    return all(key.get(part) == value for part, value in recorded.items())
