"""The headless command line: simulate, validate, schema, and clean errors for bad input."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from commandline import Outcome, borderline

from game.cli import main
from game.verbs.validate import schema_documents

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture
def mini_as_base(tmp_path, monkeypatch):
    """Make the mini test pack the game's base content for one test."""
    root = tmp_path / "content"
    root.mkdir()
    (root / "base").symlink_to(MINI)
    monkeypatch.setenv("BORDERLINE_CONTENT", str(root))
    return root


def run(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """``python -m game ARGS`` in a process of its own (forked warm: see commandline.py)."""
    return borderline(*args, cwd=ROOT, env={**os.environ, **(env or {})})


def test_help_names_the_verbs(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for verb in ("simulate", "validate", "schema", "replay", "load"):
        assert verb in out


def test_simulate_json_has_the_documented_shape(mini_as_base, capsys):
    assert main(["simulate", "--scenario", "test-run", "--runs", "30", "--seed", "4", "--status-quo"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "test-run" and data["seed"] == 4 and data["runs"] == 30
    assert data["turns"] == 12 and len(data["dates"]) == 13 and data["dates"][1] == "2012Q1"
    heavy = data["indicators"]["heavy_users"]
    assert heavy["unit"] == "millions"
    for stat in ("mean", "p5", "p50", "p95"):
        assert len(heavy[stat]) == 13
    assert all(a <= b <= c for a, b, c in zip(heavy["p5"], heavy["p50"], heavy["p95"], strict=True))
    assert set(data["status_quo"]) == set(data["indicators"])


def test_simulate_follows_a_plan_and_pins_parameters(mini_as_base, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text('[[step]]\nturn = 1\naction = "treatment"\nlevel = 2\n')
    main(
        [
            "simulate",
            "--scenario",
            "test-run",
            "--plan",
            str(plan),
            "--param",
            "initiation=0.1",
            "--status-quo",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["indicators"]["heavy_users"]["mean"][-1] < data["status_quo"]["heavy_users"]["mean"][-1]


def test_simulate_csv_is_tidy_long_form(mini_as_base, tmp_path):
    out = tmp_path / "out.csv"
    assert (
        main(["simulate", "--scenario", "test-run", "--turns", "3", "--format", "csv", "--out", str(out)])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert set(rows[0]) == {"series", "indicator", "unit", "turn", "date", "statistic", "value"}
    heavy = [r for r in rows if r["indicator"] == "heavy_users" and r["statistic"] == "mean"]
    assert [r["turn"] for r in heavy] == ["0", "1", "2", "3"]


def test_simulate_table_puts_the_plan_beside_the_status_quo_as_its_json_does(mini_as_base, tmp_path, capsys):
    """A modder trying a lever had only JSON and CSV, and a script to compare with the status quo."""
    plan = tmp_path / "treat.toml"
    plan.write_text('name = "Treatment for all"\n[[step]]\nturn = 1\naction = "treatment"\nlevel = 2\n')
    common = ["simulate", "--scenario", "test-run", "--plan", str(plan), "--runs", "30", "--seed", "4"]
    assert main([*common, "--status-quo"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert main([*common, "--format", "table"]) == 0
    table = capsys.readouterr().out
    lines = table.splitlines()
    assert lines[0] == "Treatment for all" and "30 runs · seed 4" in lines[1]
    assert max(len(line) for line in lines) <= 80, table  # it fits a terminal of 80 columns
    assert f"score: {data['score']['p50']:+.1f} (5th-95th {data['score']['p5']:+.1f}" in table
    assert "a player could make every step of the plan" in table
    # each headline indicator at the end: the plan's median, then the status quo's
    row = next(line for line in lines if line.startswith("heavy_users (millions)"))
    mine, theirs = data["indicators"]["heavy_users"]["p50"][-1], data["status_quo"]["heavy_users"]["p50"][-1]
    assert row.split()[2] == f"{mine:.2f}" and row.split()[4] == f"{theirs:.2f}", row
    for objective in data["objectives"]:
        assert any(line.startswith(objective + " ") for line in lines), objective


def test_simulate_table_calls_a_score_a_what_if_when_a_player_is_refused(mini_as_base, tmp_path, capsys):
    plan = tmp_path / "rush.toml"
    steps = [("treatment", 2), ("legalize", 1)]  # 30 and 40 political capital of the 50 there is
    plan.write_text("".join(f'[[step]]\nturn = 1\naction = "{a}"\nlevel = {level}\n' for a, level in steps))
    assert main(["simulate", "--scenario", "test-run", "--plan", str(plan), "--format", "table"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("rush.toml\n")  # a plan without a name: its file
    assert "1 step a player would be refused, made anyway (a what-if no player can reach):" in out
    assert "turn 1: legalize -> 1: " in out and "warning: turn 1: legalize -> 1" in err


def test_the_same_seed_prints_the_same_numbers(mini_as_base, capsys):
    main(["simulate", "--scenario", "test-run", "--runs", "20", "--seed", "9"])
    first = capsys.readouterr().out
    main(["simulate", "--scenario", "test-run", "--runs", "20", "--seed", "9"])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--scenario", "test-rum"], "unknown scenario 'test-rum' (did you mean \"test-run\"?)"),
        (["simulate", "--scenario", "test-run", "--param", "efficacy"], "--param expects ID=VALUE"),
        (["simulate", "--scenario", "test-run", "--param", "eficacy=1"], "unknown parameter 'eficacy'"),
        (["simulate", "--scenario", "test-run", "--param", "efficacy=abc"], "is not a number"),
        (
            ["simulate", "--scenario", "test-run", "--plan", "nope.toml"],
            "plan file 'nope.toml' does not exist",
        ),
        (["simulate", "--scenario", "test-run", "--turns", "99"], "turns must be between 1 and 12"),
    ],
)
def test_bad_arguments_give_one_clear_message(mini_as_base, capsys, args, message):
    assert main(args) != 0
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "verb", [["simulate", "--scenario", "test-run"], ["sensitivity", "--samples", "2"], ["backtest"]]
)
def test_an_out_file_that_cannot_be_written_is_refused_before_the_work(
    mini_as_base, tmp_path, capsys, monkeypatch, verb
):
    """QA: --out into a folder that does not exist failed only once a 20,000-run batch had run."""
    import game.verbs.backtest as backtest
    import game.verbs.simulate as simulate

    for verbs in (simulate, backtest):  # the work begins with loading the packs
        monkeypatch.setattr(verbs, "_load_world", lambda *_: pytest.fail("the work began"))
    (tmp_path / "a file").write_text("")
    for out, said in [
        (tmp_path / "missing" / "out.json", "does not exist"),
        (tmp_path / "a file" / "out.json", "is not a folder"),
        (tmp_path, "it is a folder"),
    ]:
        assert main([*verb, "--out", str(out)]) != 0
        err = capsys.readouterr().err
        assert f"cannot write {out}: " in err and said in err and "Traceback" not in err


def test_a_bad_plan_is_reported_with_its_line(mini_as_base, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[step]]\nturn = 1\naction = "treatmnt"\nlevel = 1\n\n[[step]]\nturn = 2\n'
        'action = "enforcement"\nlevel = 9\n'
    )
    assert main(["simulate", "--scenario", "test-run", "--plan", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "plan.toml:3:10: unknown action 'treatmnt' (did you mean \"treatment\"?)" in err
    assert "plan.toml:9:9: action 'enforcement' has levels 0 to 2" in err


@pytest.mark.parametrize("verb", ["simulate", "validate"])
def test_a_plan_naming_a_scenario_no_pack_has_is_refused_at_its_line(mini_as_base, tmp_path, capsys, verb):
    # validate called such a plan ok, and simulate named no file: each now says where, with the rest
    plan = tmp_path / "plan.toml"
    plan.write_text('scenario = "test-rn"\n\n[[step]]\nturn = 1\naction = "treatmnt"\nlevel = 1\n')
    args = [verb, str(plan)] if verb == "validate" else [verb, "--plan", str(plan)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "plan.toml:1:12: unknown scenario 'test-rn' (did you mean \"test-run\"?)" in err
    assert "plan.toml:5:10: unknown action 'treatmnt'" in err
    # asked to play it in a scenario that exists, the scenario it names does not matter
    plan.write_text('scenario = "test-rn"\n\n[[step]]\nturn = 1\naction = "treatment"\nlevel = 1\n')
    assert (
        main(["simulate", "--scenario", "test-run", "--plan", str(plan), "--out", str(tmp_path / "o.json")])
        == 0
    )


def test_plan_errors_point_at_their_own_steps_out_of_turn_order(mini_as_base, tmp_path, capsys):
    # a playtester's plan: the later turn first; each message must stay at its own step
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[step]]\nturn = 9\naction = "treatment"\nlevel = 7\n'
        '[[step]]\nturn = 3\naction = "treatmnt"\nlevel = 1\n'
        '[[step]]\nturn = 50\naction = "enforcement"\nlevel = 1\n'
    )
    assert main(["simulate", "--scenario", "test-run", "--plan", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "plan.toml:4:9: action 'treatment' has levels 0 to 2" in err
    assert "plan.toml:7:10: unknown action 'treatmnt' (did you mean \"treatment\"?)" in err
    assert "plan.toml:10:8: scenario test-run has 12 turns" in err


@pytest.mark.parametrize("verb", ["simulate", "validate"])
def test_a_plans_schema_errors_and_unknown_ids_come_in_one_run(mini_as_base, tmp_path, capsys, verb):
    """A modder fixed a level written as text, ran again, and only then met the misspelt action:
    the schema's errors hid the world's. Both come at once, each at its own line."""
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[step]]\nturn = 1\naction = "treatment"\nlevel = "2"\n'
        '[[step]]\nturn = 3\naction = "treatmnt"\nlevel = 1\n'
        '[[step]]\nturn = 50\naction = "enforcement"\nlevle = 1\n'
    )
    simulate = ["simulate", "--scenario", "test-run", "--plan", str(plan)]
    args = simulate if verb == "simulate" else ["validate", str(plan)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert 'plan.toml:4:9: level: must be a whole number, got the text "2"' in err  # the schema's
    assert "plan.toml:7:10: unknown action 'treatmnt' (did you mean \"treatment\"?)" in err  # the world's
    assert "plan.toml:12:1: unknown key 'levle' (did you mean \"level\"? it is required)" in err  # refused
    assert "scenario test-run has 12 turns" not in err  # nothing said of a step the schema refused


def test_a_plan_level_far_out_of_range_gets_the_actions_own_range(mini_as_base, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text('[[step]]\nturn = 1\naction = "enforcement"\nlevel = 99\n')
    assert main(["simulate", "--scenario", "test-run", "--plan", str(plan)]) == 1
    assert "plan.toml:4:9: action 'enforcement' has levels 0 to 2" in capsys.readouterr().err


def test_argparse_errors_exit_two_without_a_traceback():
    result = run("simulate", "--runs", "zero")
    assert result.code == 2
    assert "not a whole number" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["simulate", "--plann", "x.toml"],
            'borderline simulate: error: unrecognized arguments: --plann (did you mean "--plan"?) x.toml',
        ),
        (
            ["simulate", "--seeed=4"],
            'borderline simulate: error: unrecognized argument: --seeed=4 (did you mean "--seed"?)',
        ),
        (
            ["simulate", "--runs", "zero"],
            "borderline simulate: error: argument --runs: 'zero' is not a whole number",
        ),
        (["validate", "--strictt"], "borderline validate: error: unrecognized argument: --strictt"),
        (
            ["simulat", "--turns", "2"],
            "borderline: error: argument VERB: invalid choice: 'simulat' (did you mean \"simulate\"?) "
            "(choose from 'export', 'report', 'whatif', 'simulate', 'sensitivity', 'backtest', 'validate', "
            "'new-pack', 'serve', 'schema', 'replay', 'load')",
        ),
        (
            ["simulate", "--format", "jsn"],
            "borderline simulate: error: argument --format: invalid choice: 'jsn' (did you mean \"json\"?) "
            "(choose from 'json', 'csv', 'table')",
        ),
    ],
)
def test_a_mistaken_argument_is_one_line_from_the_verb_it_was_given_to(capsys, args, said):
    # argparse printed the top level's usage block, then the error: five lines, and not the verb's
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{said}; {said.split(':')[0]} --help lists what it takes"]


def test_validate_is_clean_on_a_good_pack_and_lists_every_error_otherwise(tmp_path, capsys):
    assert main(["validate", str(MINI)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pack.toml").write_text('id = "bad"\nname = "Bad"\nversion = "1.0"\n')
    (bad / "a.toml").write_text('[variable.x]\nformula = "y +"\n\n[variable.z]\nformla = "1"\n')
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    # one misspelt key, one error: not also "missing required key 'formula'" at the item; and the
    # formula 'y +' is not checked yet, which is said rather than passed over in silence
    assert len(err) == 2
    assert err[0].endswith("a.toml:5:1: unknown key 'formla' (did you mean \"formula\"? it is required)")
    assert err[1] == (
        "(not checked yet: the formulas, effects and references between items, "
        "until the errors above are fixed)"
    )
    # once the file's keys are right, the formulas are checked too
    (bad / "a.toml").write_text('[variable.x]\nformula = "y +"\n\n[variable.z]\nformula = "1"\n')
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("a.toml:2:14: in formula variable.x.formula: syntax error: invalid syntax") or (
        "a.toml:2:" in err[0] and "syntax" in err[0]
    ), err


def test_validate_reports_missing_paths():
    result = run("validate", "no/such/pack")
    assert result.code == 1 and "no/such/pack:1:1: no such file or folder" in result.err


def test_schema_writes_one_file_per_kind(tmp_path):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(schema_documents())
    content = json.loads((tmp_path / "content.schema.json").read_text())
    assert "parameter" in content["properties"]


def test_committed_schemas_are_in_sync_with_the_models():
    for name, doc in schema_documents().items():
        committed = ROOT / "schemas" / name
        assert committed.is_file(), f"{committed} is missing: run `borderline schema --out schemas`"
        expected = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        assert committed.read_text() == expected, f"{name} is stale: run `borderline schema --out schemas`"


def test_bundled_toml_files_carry_a_schema_header():
    files = sorted((ROOT / "content").rglob("*.toml"))
    assert files, "the bundled content is missing"
    missing = [str(f.relative_to(ROOT)) for f in files if not f.read_text().startswith("#:schema ")]
    assert missing == []


def test_validate_checks_a_plan_against_its_world(tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[step]]\nturn = 1\naction = "hpoe"\nlevel = 1\n\n[[step]]\nturn = 0\naction = "hope"\nlevel = 1\n'
    )
    assert main(["validate", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "plan.toml:7:8: turn: must be 1 or more, got 0" in err  # schema first
    plan.write_text('[[step]]\nturn = 1\naction = "hpoe"\nlevel = 1\n')
    assert main(["validate", str(plan)]) == 1
    assert "plan.toml:3:10: unknown action 'hpoe' (did you mean \"hope\"?)" in capsys.readouterr().err
    for name in ("pack.toml", "hope.toml", "plans/hope_full.toml"):
        assert main(["validate", str(ROOT / "content" / "base" / name)]) == 0
