"""The corpus of hostile packs, saves and arguments, each run through the real command line.

Every case is made at test time in a temporary folder (the FIFOs, the links to devices and
to /etc/passwd, the 3 GB sparse file) and run as ``python -m game ...`` in a child process
held to 2 GB of address space and 15 seconds (forked from a process that has already
imported the game: see tests/commandline.py). Each must end with exit 1 and a short error
naming the problem, never a traceback, a hang or an out-of-memory crash; the 1,000-variable
chain must run. The test asserts the outcome; it does not time anything for speed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from commandline import Outcome
from commandline import borderline as run_borderline
from conftest import write_pack

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices, links and rlimits: POSIX")

MINI = Path(__file__).parent / "packs" / "mini"
MEMORY_LIMIT = 2 * 1024**3
TIME_LIMIT = 15
ESC = "\x1b"


def borderline(tmp: Path, *args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run the command line as a user would, with mini as the bundled base pack."""
    content = tmp / "content"
    if not content.exists():
        content.mkdir()
        (content / "base").symlink_to(MINI)  # the game's base pack
        (content / "mini").symlink_to(MINI)  # where a pack depending on "mini" finds it
    outcome = run_borderline(
        *args,
        cwd=tmp,
        env={
            **os.environ,
            "BORDERLINE_CONTENT": str(content),
            "OPENBLAS_NUM_THREADS": "1",  # numpy's thread buffers would count against the limit
            **(env or {}),
        },
        timeout=TIME_LIMIT,
        memory=MEMORY_LIMIT,
    )
    if outcome.timed_out:
        pytest.fail(f"`borderline {' '.join(args)}` was still running after {TIME_LIMIT} s")
    return outcome


def refused(outcome: Outcome, *expected: str) -> None:
    """Exit 1, a short error with every expected phrase, no traceback, no raw escape codes."""
    text = outcome.out + outcome.err
    assert outcome.code == 1, text
    assert "Traceback" not in text and "Error:" not in text.replace("error:", ""), text
    assert len(outcome.err.strip().splitlines()) <= 2, outcome.err
    assert ESC not in text and "\x9b" not in text and "\x07" not in text
    for phrase in expected:
        assert phrase in text, f"{phrase!r} not in {text!r}"


def make_pack(tmp: Path, files: dict[str, str] | None = None, manifest: str | None = None) -> Path:
    """The evil mod of the mini pack (in tmp/mods/evil), with ``files``; its manifest once written is kept."""
    return write_pack(tmp / "mods" / "evil", files, needs=["mini"], version="1.0", manifest=manifest)


# --------------------------------------------------------------------------- packs: files


def _link(target: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        if not os.path.exists(target):
            pytest.skip(f"{target} does not exist here")
        pack = make_pack(tmp)
        (pack / "zero.toml").symlink_to(target)
        return pack

    return build


def _sparse(tmp: Path) -> Path:
    pack = make_pack(tmp)
    with open(pack / "big.toml", "wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB on paper, nothing on disk
    return pack


def _fifo_topic(tmp: Path) -> Path:
    pack = make_pack(tmp)
    os.mkfifo(pack / "fifo.toml")
    return pack


def _fifo_manifest(tmp: Path) -> Path:
    pack = tmp / "mods" / "evil"
    pack.mkdir(parents=True)
    os.mkfifo(pack / "pack.toml")
    return pack


FILE_CASES = {
    "dev-zero": (
        _link("/dev/zero"),
        "zero.toml:1:1: cannot read the file: it is a link to a file outside its pack",
    ),
    "dev-urandom": (
        _link("/dev/urandom"),
        "zero.toml:1:1: cannot read the file: it is a link to a file outside",
    ),
    "etc-passwd": (
        _link("/etc/passwd"),
        "zero.toml:1:1: cannot read the file: it is a link to a file outside",
    ),
    "sparse-3GB": (
        _sparse,
        "big.toml:1:1: cannot read the file: it is 3.0 GB; a TOML file may be at most 4.0 MB",
    ),
    "fifo-topic": (_fifo_topic, "fifo.toml:1:1: cannot read the file: it is a named pipe"),
    "fifo-manifest": (_fifo_manifest, "pack.toml:1:1: cannot read the file: it is a named pipe"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_validate_refuses_a_pack_file_that_is_not_a_plain_file_inside_the_pack(
    tmp_path: Path, case: str
) -> None:
    build, expected = FILE_CASES[case]
    outcome = borderline(tmp_path, "validate", str(build(tmp_path)))
    refused(outcome, expected)
    assert "root:" not in outcome.out + outcome.err  # nothing of /etc/passwd is read, so none is shown


@pytest.mark.parametrize("case", ["dev-zero", "sparse-3GB", "fifo-topic"])
def test_playing_with_such_a_pack_is_refused_the_same_way(tmp_path: Path, case: str) -> None:
    build, expected = FILE_CASES[case]
    pack = build(tmp_path)
    refused(borderline(tmp_path, "--pack", str(pack), "simulate", "--scenario", "test-run"), expected)


@pytest.mark.parametrize("verb", ["validate", "plan"])
def test_a_single_file_or_plan_that_is_a_fifo_or_a_device_is_refused(tmp_path: Path, verb: str) -> None:
    os.mkfifo(tmp_path / "fifo.toml")
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    for name, expected in (("fifo.toml", "it is a named pipe"), ("zero.toml", "it is a device")):
        path = str(tmp_path / name)
        args = (
            ["validate", path]
            if verb == "validate"
            else ["simulate", "--scenario", "test-run", "--plan", path]
        )
        refused(borderline(tmp_path, *args), f"{name}:1:1: cannot read the file: {expected}")


def test_a_dependency_id_that_is_a_path_reads_nothing_outside(tmp_path: Path) -> None:
    victim = tmp_path / "outside" / "victim"
    victim.mkdir(parents=True)
    (victim / "pack.toml").write_text('id = "victim"\nname = "V"\nversion = "1.0"\n')
    (victim / "secret.toml").write_text("[parameter.the_victims_secret]\nvalue = 1.0\n")
    pack = tmp_path / "library" / "mods" / "evil"  # so that ../../outside/victim is the victim
    pack.mkdir(parents=True)
    (pack / "pack.toml").write_text(
        'id = "evil"\nname = "E"\nversion = "1.0"\ndependencies = [{ id = "../../outside/victim" }]\n'
    )
    outcome = borderline(tmp_path, "validate", str(pack))
    refused(outcome, "is not a valid id")
    assert "victims_secret" not in outcome.out + outcome.err


# --------------------------------------------------------------------------- packs: content

CASES: dict[str, tuple[str, str]] = {
    "nan": ('[parameter.p]\nvalue = nan\nsource = "s"\n', "not a number the game can compute with"),
    "0/0": ('[variable.v]\nformula = "0/0"\n', "this part is always nan"),
    "log(0)": ('[variable.v]\nformula = "log(0)"\n', "this part is always -infinite"),
    "exp(1000)": ('[variable.v]\nformula = "exp(1000)"\n', "this part is always infinite"),
    "where-0/0": ('[variable.v]\nformula = "where(0/0 > 1, 1, 2)"\n', "this part is always nan"),
    "min-0/0": ('[variable.v]\nformula = "min(0/0, 1)"\n', "this part is always nan"),
    "probability-0/0": (
        '[event.e]\ntitle = "t"\ntext = "t"\nprobability = "0/0"\n',
        "this part is always nan",
    ),
    "cooldown-2**64": (
        '[event.e]\ntitle = "t"\ntext = "t"\ncooldown = 18446744073709551616\n',
        "must be 400 or less",
    ),
    "turns-2**64": (
        '[event.e]\ntitle = "t"\ntext = "t"\n'
        'effects = [{ target = "growth", add = 1.0, turns = 18446744073709551616 }]\n',
        "must be 400 or less",
    ),
    "nested-100000": (
        "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
        "nested more than the allowed 400 levels",
    ),
    "full-width-name": ('[variable.v]\nformula = "ｕs_budget * 2"\n', "is not plain ASCII"),
    "bold-function": ('[variable.v]\nformula = "𝐞𝐱𝐩(1)"\n', "is not plain ASCII"),
    "escape-codes": (
        '[parameter.p]\nname = "\\u001b[2J\\u001b]0;pwned\\u0007"\nvalue = 1.0\nsource = "s"\n',
        "control character U+001B",
    ),
    "table-500000-rows": (
        "[table.t.fields.f]\nsource = 's'\n[table.t.rows]\n{rows}",
        "may be at most 4.0 MB",
    ),
}
BUILT = {"{rows}": lambda: "".join(f"r{i}={{}}\n" for i in range(500_000))}
"""Parts of a case's text too big to build while the suite is collected: made when it runs."""


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_content_is_refused_at_validate(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    for part, build in BUILT.items():
        text = text.replace(part, build()) if part in text else text
    refused(borderline(tmp_path, "validate", str(make_pack(tmp_path, {"evil.toml": text}))), expected)


def test_a_version_of_5000_digits_is_refused(tmp_path: Path) -> None:
    manifest = f'id = "evil"\nname = "E"\nversion = "1.{"9" * 5000}"\n'
    outcome = borderline(tmp_path, "validate", str(make_pack(tmp_path, manifest=manifest)))
    refused(outcome, "at most 32 characters")


def test_a_file_name_with_escape_codes_is_shown_escaped(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, {f"x{ESC}[2J{ESC}]0;pwned\x07.toml": "a = = 1\n"})
    refused(borderline(tmp_path, "validate", str(pack)), "x\\x1b[2J\\x1b]0;pwned\\x07.toml:1:")


def test_nan_met_while_playing_names_the_formula_and_stops(tmp_path: Path) -> None:
    text = '[variable.v]\nformula = "where(us_budget * 0 / (us_budget * 0) > 1, 1, 2)"\n'
    pack = make_pack(tmp_path, {"evil.toml": text})
    # nothing constant to refuse, but validate builds each scenario's start, where it is met
    checked = borderline(tmp_path, "validate", str(pack))
    refused(checked, "variable v (", "evil.toml:2:18", "nan (not a number) reached the comparison >")
    outcome = borderline(tmp_path, "--pack", str(pack), "simulate", "--scenario", "test-run", "--turns", "2")
    refused(outcome, "variable v (", "evil.toml:2:18", "nan (not a number) reached the comparison >")


def test_a_chain_of_1000_variables_validates_and_runs(tmp_path: Path) -> None:
    # c0000 uses c0001, which uses c0002...: ordered by name, the first needs all the others
    chain = [f'[variable.c{i:04d}]\nformula = "c{i + 1:04d} + 1"\n' for i in range(999)]
    chain.append('[variable.c0999]\nformula = "us_budget"\n')
    pack = make_pack(tmp_path, {"chain.toml": "".join(chain)})
    assert borderline(tmp_path, "validate", str(pack)).code == 0
    outcome = borderline(tmp_path, "--pack", str(pack), "simulate", "--scenario", "test-run", "--turns", "2")
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out)["turns"] == 2


def test_a_huge_table_over_a_long_scenario_is_refused_before_it_is_allocated(tmp_path: Path) -> None:
    rows = "".join(f"r{i} = {{ f = 1.0 }}\n" for i in range(10_000))
    quantities = "".join(
        f'[variable.v{j}]\nover = "t"\nformula = "f * {j}"\nindicator = {{ side = "us" }}\n'
        for j in range(30)
    )
    scenario = '[scenario.long]\nbriefing = "b"\nstart_year = 2012\nturns = 400\n'
    text = "[table.t.fields.f]\nsource = 's'\n[table.t.rows]\n" + rows + quantities + scenario
    pack = make_pack(tmp_path, {"huge.toml": text})
    outcome = borderline(tmp_path, "--pack", str(pack), "simulate", "--scenario", "long", "--status-quo")
    refused(outcome, "would need about", "more than the limit of 2.0 GB", "BORDERLINE_MEMORY_LIMIT")


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["simulate", "--runs", "10000000"], "--runs 10,000,000 over 12 turns would need about"),
        (["simulate", "--param", "efficacy=5"], "parameter efficacy = 5 lies outside the range"),
    ],
)
def test_requests_past_the_limits_are_refused_with_the_way_out(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    refused(borderline(tmp_path, *args, "--scenario", "test-run"), expected)


# --------------------------------------------------------------------------- saves


@pytest.fixture
def save(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    path = tmp_path / "game.json"
    made = borderline(tmp_path, "simulate", "--scenario", "test-run", "--turns", "2", "--save", str(path))
    assert made.code == 0, made.err
    return path, json.loads(path.read_text())


def _rewrite(path: Path, doc: dict[str, object]) -> None:
    path.write_text(json.dumps(doc))


def test_a_save_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "trap.json")
    refused(borderline(tmp_path, "replay", str(tmp_path / "trap.json")), "named pipe")


def test_a_saves_pack_folder_is_never_loaded_by_itself(tmp_path: Path, save) -> None:
    path, doc = save
    elsewhere = tmp_path / "anywhere" / "mini"
    elsewhere.parent.mkdir()
    elsewhere.symlink_to(MINI)
    doc["packs"][0]["id"] = "not_installed"  # type: ignore[index]
    doc["packs"][0]["folder"] = str(elsewhere)  # type: ignore[index]
    _rewrite(path, doc)
    refused(borderline(tmp_path, "replay", str(path)), "is not installed", f"--pack {elsewhere}")


def test_a_saves_pack_folder_holding_a_fifo_never_blocks(tmp_path: Path, save) -> None:
    path, doc = save
    trap = tmp_path / "trap"
    trap.mkdir()
    os.mkfifo(trap / "pack.toml")
    doc["packs"][0]["id"] = "not_installed"  # type: ignore[index]
    doc["packs"][0]["folder"] = str(trap)  # type: ignore[index]
    _rewrite(path, doc)
    refused(borderline(tmp_path, "replay", str(path)), "is not installed")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["packs"][0].update(id="../../outside/victim"),
            "packs.0.id: '../../outside/victim' is not a pack id",
        ),
        (lambda d: d.update(pins={"efficacy": 5.0}), "pins parameter efficacy = 5 lies outside the range"),
        (lambda d: d.update(scenario="\u001b[2J\u001b]0;pwned\u0007"), "control character U+001B (ESCAPE)"),
    ],
    ids=["pack-id-path", "pin-out-of-range", "escape-codes"],
)
def test_a_hostile_save_is_refused(tmp_path: Path, save, edit: Callable[[dict], None], expected: str) -> None:
    path, doc = save
    edit(doc)
    _rewrite(path, doc)
    refused(borderline(tmp_path, "replay", str(path)), expected)
