"""Another kind of machine, simulated: exp, log and power whose every result is one unit in the
last place off, for measuring how far two machines' games drift apart (not tests).

numpy computes exp, log and power with its own routines on AVX-512 processors and with the C
library's elsewhere, and C libraries differ; each is within about one ulp of the true value,
so two machines differ by at most about one ulp on a share of the inputs. ``one_ulp_off`` moves
*every* finite, non-zero result one ulp (up or down), so a game played under it drifts from
this machine's at least as far as another machine's can: a bound, not a sample.

The formulas hold numpy's ufuncs from the moment they are compiled, so the patch replaces
them where the compiler and the constant folder take them: a world compiled under it
(``compile_world``, never a kept world of ``load_world``) computes with the perturbed routines
throughout, and a game played under it draws its lognormal parameters with them too.

Measured with it (1 Dec 2026, game/saves/verdict.py's TOLERANCE): the base game's 40 quarters,
six plans, two seeds, moved up and down, end at most 1.24e-15 relative from this machine's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from game.engine.numerics import numerics_key


class OneUlpOff:
    """``ufunc`` with each finite, non-zero result moved one ulp towards ``towards``."""

    nin = 1  # so the compiled turn hands it ``out`` by keyword (a binary ufunc takes it last)

    def __init__(self, ufunc: np.ufunc, towards: float) -> None:
        self.ufunc, self.towards = ufunc, towards
        self.__name__ = f"{ufunc.__name__}_one_ulp_off"
        self.calls = 0

    def __call__(self, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        self.calls += 1
        result = self.ufunc(*args, **kwargs) if out is None else self.ufunc(*args, out=out, **kwargs)
        moved = np.nextafter(result, self.towards)
        keep = ~np.isfinite(result) | (result == 0)  # exact zeros and infinities are everyone's
        moved = np.where(keep, result, moved)
        if isinstance(result, np.ndarray):
            np.copyto(result, moved)
            return result
        return moved[()] if isinstance(moved, np.ndarray) else moved


@contextmanager
def one_ulp_off(monkeypatch: pytest.MonkeyPatch, towards: float = np.inf) -> Iterator[list[OneUlpOff]]:
    """Within: the formula compiler, the constant folder and the engine's draws compute exp,
    log and power one ulp off (``towards`` +inf or -inf). Yields the patched routines (their
    ``calls`` say they were used)."""
    from game.formula import compiler, parser

    numerics_key()  # this machine's key, worked out (and kept) before the routines change
    exp, log, power = (OneUlpOff(u, towards) for u in (np.exp, np.log, np.power))
    parser.parse_formula.cache_clear()  # constants are folded as formulas are parsed, and kept
    try:
        with monkeypatch.context() as m:
            m.setitem(compiler._ELEMENTWISE, "exp", exp)
            m.setitem(compiler._ELEMENTWISE, "log", log)
            m.setitem(compiler._ARITHMETIC, "**", power)
            m.setitem(parser._FOLD, "**", power)
            m.setattr(np, "exp", exp)
            m.setattr(np, "log", log)
            yield [exp, log, power]
    finally:  # no formula parsed one ulp off outlives the patch
        parser.parse_formula.cache_clear()
