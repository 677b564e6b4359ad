"""Fused loops for a big batch's tape, measured before anyone builds them into the engine.

The batch path (``game.engine.program``) runs a turn as thousands of numpy calls over (rows, runs)
buffers. This script cuts one phase of the base world's tape (10,000 runs) into *segments* of
consecutive exact float64 calls (``+ - * /``, negation, absolute value, minimum, maximum, copies;
everything else, powers, exponentials, comparisons, argmax, checks, stays numpy), generates one
kernel per segment and times it against the segment's own numpy calls on the same buffers,
comparing every row it writes bit for bit. Variants:

- ``scalar``: numba ``@njit``, one loop over the runs whose body is straight-line code, one
  statement per call and table row, every value a local variable (the route the lead proposed:
  a whole expression per element);
- ``blocked``: numba ``@njit``, a loop over blocks of ``--block`` runs, inside it one small loop
  per statement (each vectorised by LLVM), values written to their buffers;
- ``ir``: the same blocked loops written directly as LLVM IR and compiled with llvmlite (numba's
  own compiler back end, without numba's front end).

For each: the compile time, and per segment the best of ``--repeats`` timings of numpy and of the
kernel (one thread, wall clock, the segment's input buffers restored before each), their ratio, and
how many written rows differ from numpy's bits (0 expected). The load average and the host's
speed (a fixed pure-Python loop) are printed beside the figures: the machine is shared.

    python benchmarks/fused_segments.py [--phase 1] [--segments 3] [--variants scalar,ir]
        [--block 512] [--repeats 5] [--runs 10000]

numba (and llvmlite, which it installs) must be installed: pip install numba.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import math
import os
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from game.engine import Game, load_world, program

ROOT = Path(__file__).resolve().parent.parent
FLOAT = np.dtype(np.float64)

BINARY: dict[Any, str] = {
    np.add: "{0} + {1}",
    np.subtract: "{0} - {1}",
    np.multiply: "{0} * {1}",
    np.true_divide: "{0} / {1}",
    # numpy's: a nan first wins, then a nan second, then the larger (smaller); of two equal
    # numbers (0.0 and -0.0) the second
    np.maximum: "{0} if {0} > {1} or {0} != {0} else {1}",
    np.minimum: "{0} if {0} < {1} or {0} != {0} else {1}",
}
UNARY: dict[Any, str] = {np.negative: "-{0}", np.absolute: "abs({0})"}
COPY = "{0}"

Location = tuple[bool, int]  # (a row of the runs? else one number for every run, its address)
Operand = Location | float
Statement = tuple[str, Location, tuple[Operand, ...]]


def _address(value: np.ndarray) -> int:
    return int(value.__array_interface__["data"][0])


def _parse(function: Any, args: tuple[Any, ...]) -> tuple[str, list[Any], np.ndarray] | None:
    if isinstance(function, partial):
        if set(function.keywords) != {"out"} or function.args:
            return None
        function, out, operands = function.func, function.keywords["out"], list(args)
    elif isinstance(function, np.ufunc) and len(args) == function.nin + 1:
        out, operands = args[-1], list(args[:-1])
    elif function is np.copyto and len(args) == 2:
        return COPY, [args[1]], args[0]
    else:
        return None
    expression = BINARY.get(function) if len(operands) == 2 else UNARY.get(function)
    return (expression, operands, out) if expression is not None else None


def _constant(operand: Operand, row: int) -> Operand:
    return operand


def _row(moving: bool, base: int, step: int, last: int, row: int) -> Operand:
    """The operand's row read with the result's ``row`` (a one-row operand broadcast)."""
    return moving, base + min(row, last) * step


def _rows(function: Any, args: tuple[Any, ...], width: int) -> list[Statement] | None:
    """A call's statements, one per row of its result; None if it is not an exact float64 call."""
    parsed = _parse(function, args)
    if parsed is None:
        return None
    expression, operands, out = parsed
    if not isinstance(out, np.ndarray) or out.dtype != FLOAT or out.ndim != 2:
        return None
    rows, columns = out.shape
    along = columns == width
    if (not along and columns != 1) or (along and out.strides[1] != FLOAT.itemsize):
        return None
    readers: list[Callable[[int], Operand]] = []
    for operand in operands:
        if isinstance(operand, float | int) and not isinstance(operand, bool):
            readers.append(partial(_constant, float(operand)))
            continue
        if not isinstance(operand, np.ndarray) or operand.dtype != FLOAT:
            return None
        if operand.ndim == 0:
            readers.append(partial(_constant, (False, _address(operand))))
            continue
        if operand.ndim != 2 or operand.shape[0] not in (1, rows) or operand.shape[1] not in (1, columns):
            return None
        moving = operand.shape[1] == width and along
        if moving and operand.strides[1] != FLOAT.itemsize:
            return None
        base, step, last = _address(operand), operand.strides[0], operand.shape[0] - 1
        readers.append(partial(_row, moving, base, step, last))
    base, step = _address(out), out.strides[0]
    return [
        (expression, (along, base + row * step), tuple(read(row) for read in readers)) for row in range(rows)
    ]


@dataclass
class Segment:
    statements: list[Statement] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # statements of each call
    calls: list[Any] = field(default_factory=list)
    extents: dict[Location, tuple[int, int]] = field(default_factory=dict)

    def admits(self, statements: list[Statement], width: int) -> bool:
        """Every location these touch is one the segment knows or lies apart from all of them
        (element by element is right only for rows that are the same or do not overlap), and no
        row of the call reads another row it writes (numpy buffers such an operand)."""
        written = {out for _, out, _ in statements}
        for index, (_, out, operands) in enumerate(statements):
            if any(o in written and o != out for o in operands if isinstance(o, tuple)):
                return False
            del index
        new: dict[Location, tuple[int, int]] = {}
        for _, out, operands in statements:
            for location in (out, *operands):
                if isinstance(location, tuple) and location not in self.extents:
                    low = location[1]
                    new[location] = (low, low + (width if location[0] else 1) * FLOAT.itemsize)
        for low, high in new.values():
            if any(low < other_high and other_low < high for other_low, other_high in self.extents.values()):
                return False
        spans = sorted(new.values())
        if any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1)):
            return False
        self.extents.update(new)
        return True


def segments(blocks: list[Any], width: int) -> list[Segment]:
    """A phase's segments of consecutive fusable calls (the calls left to numpy cut them)."""
    found: list[Segment] = []
    current: Segment | None = None
    for _, instructions in blocks:
        for instruction in instructions:
            statements = _rows(instruction[0], instruction[1], width)
            if statements is not None and current is not None and not current.admits(statements, width):
                current = None
            if statements is not None and current is None:
                fresh = Segment()
                current = fresh if fresh.admits(statements, width) else None
                if current is not None:
                    found.append(current)
            if statements is None or current is None:
                current = None
                continue
            current.statements += statements
            current.sizes.append(len(statements))
            current.calls.append(instruction)
    return found


def _calls(segment: Segment) -> list[list[Statement]]:
    out, start = [], 0
    for size in segment.sizes:
        out.append(segment.statements[start : start + size])
        start += size
    return out


# ------------------------------------------------------------------------- numba sources

NUMBA_HEADER = '''from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def line(typingctx, address):
    pointer = types.CPointer(types.float64)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(pointer))

    return pointer(types.int64), codegen


nan = float("nan")
inf = float("inf")
'''
DECORATOR = (
    '@njit("void(int64[::1], int64)", nogil=True, fastmath=False, error_model="numpy", boundscheck=False)'
)


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


class _Places:
    """Each location's index in the kernel's table of addresses, and its pointer variable."""

    def __init__(self, setup: list[str]) -> None:
        self.index: dict[Location, int] = {}
        self.setup = setup

    def pointer(self, location: Location) -> str:
        if location not in self.index:
            self.index[location] = len(self.index)
            self.setup.append(f"    p{self.index[location]} = line(addresses[{self.index[location]}])")
        return f"p{self.index[location]}"

    def addresses(self) -> np.ndarray:
        return np.array([location[1] for location in self.index] or [0], dtype=np.int64)


def numba_scalar(name: str, segment: Segment, block: int) -> tuple[str, np.ndarray]:
    """One loop over the runs, straight-line body, every value a local, every written row stored."""
    del block
    before: list[str] = []
    body: list[str] = []
    places = _Places(before)
    current: dict[Location, str] = {}
    count = 0

    def read(operand: Operand) -> str:
        nonlocal count
        if not isinstance(operand, tuple):
            return _number(operand)
        if operand not in current:
            count += 1
            current[operand] = f"v{count}"
            if operand[0]:
                body.append(f"        v{count} = {places.pointer(operand)}[j]")
            else:
                before.append(f"    v{count} = {places.pointer(operand)}[0]")
        return current[operand]

    for call in _calls(segment):
        names = [[read(o) for o in operands] for _, _, operands in call]
        for (expression, out, _), args in zip(call, names, strict=True):
            count += 1
            (body if out[0] else before).append(
                f"{'        ' if out[0] else '    '}v{count} = {expression.format(*args)}"
            )
            current[out] = f"v{count}"
    written = {out for _, out, _ in segment.statements}
    once = [f"    {places.pointer(o)}[0] = {current[o]}" for o in written if not o[0]]
    each = [f"        {places.pointer(o)}[j] = {current[o]}" for o in written if o[0]]
    lines = [DECORATOR, f"def {name}(addresses, width):", *before, *once]
    lines += ["    for j in range(width):", *body, *each]
    return "\n".join(lines), places.addresses()


def numba_blocked(name: str, segment: Segment, block: int) -> tuple[str, np.ndarray]:
    """Blocks of runs; inside, one loop per statement writing its row."""
    before: list[str] = []
    body: list[str] = []
    places = _Places(before)
    current: dict[Location, str] = {}
    count = 0

    def scalar(operand: Operand) -> str | None:
        nonlocal count
        if not isinstance(operand, tuple):
            return _number(operand)
        if operand[0]:
            return None
        if operand not in current:
            count += 1
            current[operand] = f"v{count}"
            before.append(f"    v{count} = {places.pointer(operand)}[0]")
        return current[operand]

    for call in _calls(segment):
        names = [[scalar(o) for o in operands] for _, _, operands in call]
        for (expression, out, operands), known in zip(call, names, strict=True):
            if not out[0]:
                count += 1
                before.append(f"    v{count} = {expression.format(*known)}")
                before.append(f"    {places.pointer(out)}[0] = v{count}")
                current[out] = f"v{count}"
                continue
            pairs = zip(known, operands, strict=True)
            args = [
                f"{places.pointer(o)}[j]" if k is None and isinstance(o, tuple) else str(k) for k, o in pairs
            ]
            body.append("        for j in range(j0, j1):")
            if " if " in expression:
                body += [f"            x = {args[0]}", f"            y = {args[1]}"]
                args = ["x", "y"]
            body.append(f"            {places.pointer(out)}[j] = {expression.format(*args)}")
    lines = [DECORATOR, f"def {name}(addresses, width):", *before]
    if body:
        lines += [f"    for j0 in range(0, width, {block}):", f"        j1 = min(j0 + {block}, width)", *body]
    return "\n".join(lines), places.addresses()


def compile_numba(sources: list[str]) -> Any:
    text = NUMBA_HEADER + "\n\n" + "\n\n\n".join(sources) + "\n"
    folder = Path(tempfile.mkdtemp(prefix="fused_segments_"))
    path = folder / "fused_segments_kernels.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("fused_segments_kernels", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------- LLVM IR

IR_BINARY = {"{0} + {1}": "fadd", "{0} - {1}": "fsub", "{0} * {1}": "fmul", "{0} / {1}": "fdiv"}


def ir_blocked(name: str, segment: Segment, block: int) -> tuple[str, np.ndarray]:
    """The blocked loops as LLVM IR: IEEE operations without fast-math flags (no contraction)."""
    entry: list[str] = []
    body: list[str] = []
    index: dict[Location, int] = {}
    pointers: dict[Location, str] = {}
    current: dict[Location, str] = {}
    count = 0

    def temp() -> str:
        nonlocal count
        count += 1
        return f"%t{count}"

    def pointer(location: Location) -> str:
        if location not in pointers:
            index[location] = len(index)
            slot, address, value = temp(), temp(), temp()
            entry.append(f"  {slot} = getelementptr inbounds i64, ptr %A, i64 {index[location]}")
            entry.append(f"  {address} = load i64, ptr {slot}")
            entry.append(f"  {value} = inttoptr i64 {address} to ptr")
            pointers[location] = value
        return pointers[location]

    def scalar(operand: Operand) -> str | None:
        if not isinstance(operand, tuple):
            return f'0x{struct.unpack("<Q", struct.pack("<d", float(operand)))[0]:016X}'
        if operand[0]:
            return None
        if operand not in current:
            current[operand] = temp()
            entry.append(f"  {current[operand]} = load double, ptr {pointer(operand)}")
        return current[operand]

    def compute(expression: str, x: str, y: str | None, out: str) -> list[str]:
        if expression in IR_BINARY:
            return [f"  {out} = {IR_BINARY[expression]} double {x}, {y}"]
        if expression == "-{0}":
            return [f"  {out} = fneg double {x}"]
        if expression == "abs({0})":
            return [f"  {out} = call double @llvm.fabs.f64(double {x})"]
        if expression == COPY:
            return [f"  {out} = select i1 true, double {x}, double {x}"]
        a, b, c = temp(), temp(), temp()
        test = "ogt" if ">" in expression else "olt"
        return [
            f"  {a} = fcmp {test} double {x}, {y}",
            f"  {b} = fcmp uno double {x}, {x}",
            f"  {c} = or i1 {a}, {b}",
            f"  {out} = select i1 {c}, double {x}, double {y}",
        ]

    loops = 0
    for call in _calls(segment):
        names = [[scalar(o) for o in operands] for _, _, operands in call]
        for (expression, out, operands), known in zip(call, names, strict=True):
            if not out[0]:
                result = temp()
                entry += compute(expression, known[0] or "", known[1] if len(known) > 1 else None, result)
                entry.append(f"  store double {result}, ptr {pointer(out)}")
                current[out] = result
                continue
            loops += 1
            came = "outer" if loops == 1 else f"L{loops - 1}x"
            j = f"%i{loops}"
            lines = [f"  br label %L{loops}", f"L{loops}:"]
            lines.append(f"  {j} = phi i64 [ %j0, %{came} ], [ {j}n, %L{loops} ]")
            values = []
            for value, operand in zip(known, operands, strict=True):
                if value is not None or not isinstance(operand, tuple):
                    values.append(value or "")
                    continue
                at, loaded = temp(), temp()
                lines += [
                    f"  {at} = getelementptr inbounds double, ptr {pointer(operand)}, i64 {j}",
                    f"  {loaded} = load double, ptr {at}",
                ]
                values.append(loaded)
            result, at = temp(), temp()
            lines += compute(expression, values[0], values[1] if len(values) > 1 else None, result)
            lines += [
                f"  {at} = getelementptr inbounds double, ptr {pointer(out)}, i64 {j}",
                f"  store double {result}, ptr {at}",
                f"  {j}n = add nuw nsw i64 {j}, 1",
                f"  %c{loops} = icmp slt i64 {j}n, %j1",
                f"  br i1 %c{loops}, label %L{loops}, label %L{loops}x",
                f"L{loops}x:",
            ]
            body += lines
    text = [
        f"define void @{name}(ptr noalias nocapture readonly %A, i64 %width) nounwind {{",
        "entry:",
        *entry,
        "  %any = icmp sgt i64 %width, 0",
        "  br i1 %any, label %outer, label %done",
        "outer:",
        "  %j0 = phi i64 [ 0, %entry ], [ %j1, %next ]",
        f"  %j0b = add nsw i64 %j0, {block}",
        "  %lt = icmp slt i64 %j0b, %width",
        "  %j1 = select i1 %lt, i64 %j0b, i64 %width",
        *body,
        "  br label %next",
        "next:",
        "  %more = icmp slt i64 %j1, %width",
        "  br i1 %more, label %outer, label %done",
        "done:",
        "  ret void",
        "}",
    ]
    return "\n".join(text), np.array([location[1] for location in index] or [0], dtype=np.int64)


def compile_ir(sources: list[str]) -> Any:
    import llvmlite.binding as llvm  # type: ignore[import-untyped]  # deferred: only this variant needs it

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    machine = llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=3,
        codemodel="jitdefault",
    )
    module = llvm.parse_assembly("declare double @llvm.fabs.f64(double)\n\n" + "\n\n".join(sources))
    module.verify()
    tuning = llvm.create_pipeline_tuning_options(speed_level=3)
    tuning.loop_vectorization, tuning.slp_vectorization = True, False
    tuning.loop_interleaving, tuning.loop_unrolling = False, False
    builder = llvm.create_pass_builder(machine, tuning)
    builder.getModulePassManager().run(module, builder)
    engine = llvm.create_mcjit_compiler(module, machine)
    engine.finalize_object()
    kernels = _Kernels(engine)
    for number in range(len(sources)):
        address = engine.get_function_address(f"k{number}")
        function = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64)(address)
        setattr(kernels, f"k{number}", partial(_call_ir, function))
    return kernels


class _Kernels:
    def __init__(self, engine: Any) -> None:
        self.engine = engine  # the compiled code lives as long as its engine


def _call_ir(function: Any, table: np.ndarray, width: int) -> None:
    function(table.ctypes.data, width)


VARIANTS = {
    "scalar": (numba_scalar, compile_numba),
    "blocked": (numba_blocked, compile_numba),
    "ir": (ir_blocked, compile_ir),
}


def host_speed() -> float:
    """A fixed pure-Python loop's best time of three (ms): the host's speed at the moment."""
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i & 7
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--phase", type=int, default=1, help="0 first sub-step, 1 later ones, 2 end")
    parser.add_argument("--segments", type=int, default=3, help="the largest N segments of the phase")
    parser.add_argument("--variants", default="scalar,ir", help="of scalar, blocked, ir (blocked: minutes)")
    parser.add_argument("--block", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    variants = options.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"--variants: unknown {', '.join(unknown)} (expected some of {', '.join(VARIANTS)})")
    if importlib.util.find_spec("numba") is None:
        sys.exit("numba is not installed: pip install numba")

    program.THREADS = 1
    world = load_world([ROOT / "content" / "base"])
    game = Game(world, "both-sides", seed=1, runs=options.runs)
    game.resolve_turn()
    game.resolve_turn()
    compiled = game._stepper.programs[options.runs]
    phase = compiled.spans[0][options.phase]
    found = segments(phase, options.runs)
    calls = sum(len(instructions) for _, instructions in phase)
    fused = sum(len(s.calls) for s in found)
    print(f"phase {options.phase}: {calls} numpy calls, {fused} in {len(found)} segments "
          f"({sum(1 for s in found if len(s.calls) > 1)} of 2 calls or more)")
    chosen = sorted(found, key=lambda s: -len(s.statements))[: options.segments]
    buffers = [b for b in compiled.builder.buffers if b.flags.writeable]

    def snapshot() -> list[np.ndarray]:
        return [b.copy() for b in buffers]

    def restore(saved: list[np.ndarray]) -> None:
        for buffer, copy in zip(buffers, saved, strict=True):
            np.copyto(buffer, copy)

    for variant in variants:
        generate, compile_all = VARIANTS[variant]
        made = [generate(f"k{n}", segment, options.block) for n, segment in enumerate(chosen)]
        load, host = os.getloadavg()[0], host_speed()
        started = time.perf_counter()
        kernels = compile_all([source for source, _ in made])
        seconds = time.perf_counter() - started
        lines = sum(source.count("\n") + 1 for source, _ in made)
        print(f"\n{variant}: {lines} lines compiled in {seconds:.1f} s", end=" ")
        print(f"(load {load:.1f}, host loop {host:.0f} ms)")
        total_numpy = total_kernel = 0.0
        for number, segment in enumerate(chosen):
            kernel, table = getattr(kernels, f"k{number}"), made[number][1]
            before = snapshot()
            numpy_times, kernel_times = [], []
            for _ in range(options.repeats):  # alternated: numpy, then the kernel, on the same inputs
                restore(before)
                with np.errstate(all="ignore"):
                    start = time.perf_counter()
                    for function, args in segment.calls:
                        function(*args)
                    numpy_times.append(time.perf_counter() - start)
                after = snapshot()
                restore(before)
                start = time.perf_counter()
                kernel(table, options.runs)
                kernel_times.append(time.perf_counter() - start)
            differing = sum(
                mine.tobytes() != theirs.tobytes()
                for mine, theirs in zip(snapshot(), after, strict=True)
            )
            restore(after)
            n, k = min(numpy_times), min(kernel_times)
            total_numpy += n
            total_kernel += k
            element_ops = len(segment.statements) * options.runs
            print(f"  segment {number}: {len(segment.calls)} calls, {len(segment.statements)} statements: "
                  f"numpy {n * 1e3:.2f} ms ({n / element_ops * 1e9:.2f} ns an element-op), "
                  f"kernel {k * 1e3:.2f} ms ({k / element_ops * 1e9:.2f}), numpy/kernel {n / k:.2f}, "
                  f"buffers differing {differing}")
        ratio = total_numpy / total_kernel
        load = os.getloadavg()[0]
        print(f"  all: numpy/kernel {ratio:.2f} (load {load:.1f}, host loop {host_speed():.0f} ms)")


if __name__ == "__main__":
    main()
