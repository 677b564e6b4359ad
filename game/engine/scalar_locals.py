"""A lone game's phase with its numbers in local variables instead of places in one list.

``game.engine.scalar`` writes a phase as lines on ``V``, the runner's list of numbers
(``V[12] = V[3] * V[7]``). Each ``V[i]`` is a list index in CPython: three instructions to
read, three to write. Here those lines are rewritten so that each place the phase touches is
a local variable of its function (``v12 = v3 * v7``: one instruction to read, one to write).
The operations, their order and so every result are the same; only where the numbers wait
between two operations changes.

- **In.** A place the phase may read before it has certainly written it (its first use is a
  read, or a write under a condition) is read from ``V`` once, as the function starts.
- **Out.** A place the phase writes goes back to ``V`` once, as the function ends, if anything
  else reads it: another phase (or this one, a sub-step later), or the runner's copying out
  (``needed``). A place only this phase uses between its own operations is not written back.
- **Errors.** A nan check or a stock's settling may raise part-way through. Every place
  written so far then goes back to ``V`` (as lines on ``V`` would have left it), and ``O[0]``
  is set to the block running, found from the line the error left from (noting it before
  each block would cost a store per block).

The lines are the runner's own (numbers' places and bound names only), in a grammar it
alone writes: each line is ``if TEST: S; S`` or ``S; S``, each ``S`` is ``TARGET = VALUE``
or a call, and a place is ``V[i]`` or ``V[lo:hi]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

_USE = re.compile(r"V\[(\d+)(?::(\d+))?\]( = )?")  # a place (written if `` = `` follows)
_SPAN = re.compile(r"V\[(\d+):(\d+)\]")
_SINGLE = re.compile(r"V\[(\d+)\]")


class PhaseLines:
    """One phase's lines (one text, a line each) and which places it reads in and writes.

    In the runner's lines a line's writes come after its reads (``V[3] = V[3] * V[4]`` reads
    place 3, then writes it; ``k0[:] = V[2:4]; k1(*k2); V[2:4] = k3.tolist()``), so a line's
    reads are taken first."""

    def __init__(self, text: str) -> None:
        self.text = text
        uses: list[tuple[str, bool]] = []  # (place, its use needs V's number), in the order of use
        written: set[str] = set()
        for line in text.split("\n"):
            if line.startswith("V[") and ":" not in line:  # most lines: ``V[t] = <reads>``
                target, *reads = _SINGLE.findall(line)
                uses += [(place, True) for place in reads]
                uses.append((target, False))
                written.add(target)
                continue
            conditional = line.startswith("if ")  # a write under a condition may not happen
            writes = []
            for lo, hi, write in _USE.findall(line):
                places = [str(p) for p in range(int(lo), int(hi) if hi else int(lo) + 1)]
                if write:
                    writes += [(place, conditional) for place in places]
                    written.update(places)
                else:
                    uses += [(place, True) for place in places]
            uses += writes
        first = dict(reversed(uses))  # each place's first use (of several, the last assignment wins)
        self.reads_in = {int(place) for place, needs in first.items() if needs}
        self.written = {int(place) for place in written}


def _span(match: re.Match[str]) -> str:
    return "(" + "".join(f"v{p}, " for p in range(int(match.group(1)), int(match.group(2)))) + ")"


def _runs(places: Iterable[int]) -> list[tuple[int, int]]:
    """Places as runs of neighbours, [lo, hi)."""
    runs: list[tuple[int, int]] = []
    for place in sorted(places):
        if runs and runs[-1][1] == place:
            runs[-1] = (runs[-1][0], place + 1)
        else:
            runs.append((place, place + 1))
    return runs


def _moves(places: Iterable[int], into_locals: bool) -> list[str]:
    """Lines copying places between ``V`` and their locals, a run of neighbours in one line."""
    lines = []
    for lo, hi in _runs(places):
        names = "".join(f"v{p}, " for p in range(lo, hi))
        if into_locals:
            lines.append(f"{names}= V[{lo}:{hi}]" if hi - lo > 1 else f"v{lo} = V[{lo}]")
        else:
            lines.append(f"V[{lo}:{hi}] = {names}" if hi - lo > 1 else f"V[{lo}] = v{lo}")
    return lines


def source(phase: PhaseLines, needed: set[int]) -> tuple[str, int, list[tuple[str, int]]]:
    """The phase's function on locals: its source, the line number of its first line (an error
    names the block of the line it left from), and the (local, place) of every place it writes
    (for an error)."""
    head = [f"    {line}" for line in _moves(phase.reads_in, into_locals=True)]
    head.append("    try:")
    parts = _SINGLE.split(_SPAN.sub(_span, phase.text))  # text, place, text, place, ..., text
    parts[1::2] = ["v" + place for place in parts[1::2]]
    body = "".join(parts) or "pass"
    tail = ["    except BaseException as error:", "        _escape(V, O, error, locals())", "        raise"]
    tail += [f"    {line}" for line in _moves(phase.written & needed, into_locals=False)]
    lines = "\n".join(["def phase(V, O):", *head, "        " + body.replace("\n", "\n        "), *tail])
    written = [(f"v{place}", place) for place in sorted(phase.written)]
    return lines + "\n", len(head) + 2, written


def escape(blocks: Sequence[int], first_line: int, written: list[tuple[str, int]]) -> Any:
    """The function a phase calls when an error leaves it part-way: the places written so far
    back into ``V``, and the block that was running (``blocks``: each line's) into ``O[0]``."""

    def _escape(values: list[Any], cursor: list[int], error: BaseException, local: dict[str, Any]) -> None:
        for name, place in written:
            if name in local:
                values[place] = local[name]
        trace = error.__traceback__
        if trace is not None and 0 <= trace.tb_lineno - first_line < len(blocks):
            cursor[0] = blocks[trace.tb_lineno - first_line]

    return _escape
