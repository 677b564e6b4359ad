"""The engine on a small test world: turns, actions, events, attribution, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fresh_process import GAMES

from game.engine import ActionRefused, Game, GameError, load_world, run_plan
from game.engine.game import NEVER

MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


def test_a_game_starts_in_the_scenario_state(world):
    game = Game(world, "test-run", seed=3)
    assert game.turn == 0
    assert game.date(0) == "2011Q4" and game.date(1) == "2012Q1" and game.date(12) == "2014Q4"
    assert game.value("light_users")[0, 0] == 10.0
    assert game.value("heavy_users")[0, 0] == pytest.approx(3.0)
    assert game.level("enforcement") == 1


def test_resolving_turns_moves_stocks_by_their_flows(world):
    game = Game(world, "test-run", seed=3, pins={"initiation": 0.2})
    light0 = game.value("light_users")[0, 0]
    game.resolve_turn()
    # net flow rate (0.2 - 0.15 - 0.05) * L = 0: light users stay put in the first sub-step
    assert game.value("light_users")[0, 0] == pytest.approx(light0, rel=1e-9)
    assert game.value("heavy_users")[0, 0] > 3.0 * 0.99
    assert game.history("light_users").shape == (2, 1)


def test_ramp_spreads_a_level_change_over_its_turns(world):
    game = Game(world, "test-run", seed=3)
    game.set_level("enforcement", 2)
    game.resolve_turn()
    half = game.value("enforcement_multiplier")[0, 0]
    game.resolve_turn()
    full = game.value("enforcement_multiplier")[0, 0]
    assert half == pytest.approx(1.15)
    assert full == pytest.approx(1.3)


def test_an_effect_on_one_row_leaves_the_others(world):
    game = Game(world, "test-run", seed=3)
    game.set_level("legalize", 1)
    game.resolve_turn()
    price = game.value("price")[0]
    assert price[1] == pytest.approx(2.0)  # cannabis base 10 x 0.2
    assert price[0] == pytest.approx(100.0)


def test_capital_is_spent_when_the_turn_resolves(world):
    game = Game(world, "test-run", seed=3)
    game.set_level("enforcement", 2)
    assert game.capital_needed("us") == 5.0
    game.resolve_turn()
    assert game.history("us_capital")[1, 0] == pytest.approx(45.0)


def test_refuses_what_capital_or_budget_cannot_pay(world):
    game = Game(world, "test-run", seed=3)
    game.set_level("legalize", 1)  # 40 of 50 capital
    with pytest.raises(ActionRefused) as refused:
        game.set_level("treatment", 2)  # another 40
    assert any("political capital" in r for r in refused.value.reasons)
    with pytest.raises(ActionRefused):
        game.set_level("enforcement", 7)


def test_refuses_an_unmet_prerequisite(world):
    game = Game(world, "test-run", seed=3)
    game.env["us_approval"] = np.full((1, 1), 10.0)
    reasons = game.check_level("treatment", 1)
    assert "approval must be above 40%" in reasons


def test_unknown_ids_get_did_you_mean(world):
    with pytest.raises(GameError, match='did you mean "test-run"'):
        Game(world, "test-rum")
    game = Game(world, "test-run")
    with pytest.raises(GameError, match='did you mean "treatment"'):
        game.set_level("treatmnt", 1)


def test_same_seed_same_numbers_and_different_seed_different_draws(world):
    a = run_plan(world, "test-run", None, runs=50, seed=11, status_quo=False)
    b = run_plan(world, "test-run", None, runs=50, seed=11, status_quo=False)
    c = run_plan(world, "test-run", None, runs=50, seed=12, status_quo=False)
    assert np.array_equal(a.game.history("heavy_users"), b.game.history("heavy_users"))
    assert not np.array_equal(a.game.history("heavy_users"), c.game.history("heavy_users"))


def test_same_numbers_in_a_new_process(world, fresh_process):
    # the new interpreter (tests/fresh_process.py) played GAMES["mini"]: 20 runs, seed 5, no twin
    spec = GAMES["mini"]
    assert (spec.packs, spec.plan, spec.runs, spec.seed) == ((str(MINI.resolve()),), None, 20, 5)
    here = run_plan(world, "test-run", None, runs=20, seed=5, status_quo=False).game
    assert fresh_process["digests"]["mini"] == spec.digest(here)


def test_batch_draws_uncertain_parameters_per_run(world):
    game = Game(world, "test-run", seed=1, runs=500)
    drawn = game.parameter("efficacy")[:, 0]
    assert 0.0 <= drawn.min() and drawn.max() <= 1.0
    assert drawn.std() > 0.2
    pinned = Game(world, "test-run", seed=1, runs=10, pins={"efficacy": 0.7})
    assert np.all(pinned.parameter("efficacy") == 0.7)


def test_status_quo_twin_shares_draws_but_not_decisions(world):
    game = Game(world, "test-run", seed=4, status_quo=True)
    game.set_level("enforcement", 2)
    for _ in range(4):
        game.resolve_turn()
    sq = game.status_quo
    assert sq is not None and sq.turn == 4
    assert np.array_equal(sq.parameter("initiation"), game.parameter("initiation"))
    assert sq.value("enforcement_multiplier")[0, 0] == 1.0
    assert game.value("enforcement_multiplier")[0, 0] == pytest.approx(1.3)


@pytest.mark.parametrize(
    "settings",
    [
        dict(seed=3, runs=1, difficulty="hard"),
        dict(seed=8, runs=3, pins={"hope_efficacy": 0.4}, difficulty="easy"),
        dict(seed=5, runs=4, blocks=[{}, {"hope_efficacy": 0.3}], block_seeds=[5, 9]),
    ],
    ids=["lone-hard", "pinned-easy", "blocks"],
)
def test_the_status_quo_twin_is_the_game_its_settings_make_played_with_no_changes(base_world, settings):
    """The twin is copied from its game as it starts (not built again): it must be, to the bit,
    the game the same settings build alone, played as many turns without a decision; and the
    player's levels, locks and seats must not reach it."""
    alone = Game(base_world, "both-sides", snapshots=False, **settings)
    extra = next(name for name in base_world.order if name not in alone.recorded)  # recorded on request
    game = Game(base_world, "both-sides", status_quo=True, record=[extra], **settings)
    mine_alone = Game(base_world, "both-sides", record=[extra], **settings)  # the game, without a twin
    for played in (game, mine_alone):
        played.set_level("hope", 1)
    game.locks["treatment"] = "the class keeps treatment where it is"
    game.players["us"] = "Ana"
    for _ in range(3):
        for played in (game, alone, mine_alone):
            played.resolve_turn()
    twin = game.status_quo
    assert twin is not None and twin.turn == alone.turn == 3
    assert twin.state_digest() == alone.state_digest() != game.state_digest()
    assert twin.recorded == alone.recorded and extra in game.recorded
    for name in alone.recorded:
        assert twin.history(name).tobytes() == alone.history(name).tobytes(), name
    for name in game.recorded:
        assert game.history(name).tobytes() == mine_alone.history(name).tobytes(), name
    assert twin.locks == {} and twin.players == {} and twin.log == []


@pytest.mark.parametrize("indicator", ["heavy_users", "violence", "revenue", "us_approval", "growth"])
def test_attribution_sums_to_the_change(world, indicator):
    game = Game(world, "test-run", seed=9, interactive=True)
    game.set_level("enforcement", 2)
    game.set_level("treatment", 1)
    for _ in range(3):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, dilemma.choices[0].id)
        parts = game.attribution(indicator)
        series = game.history(indicator)[:, 0]
        change = series[-1] - series[-2]
        assert sum(p.value for p in parts) == pytest.approx(change, abs=1e-9)


def test_attribution_names_the_action_that_moved_an_indicator(world):
    game = Game(world, "test-run", seed=9)
    game.set_level("legalize", 1)
    game.resolve_turn()
    parts = game.attribution("revenue")
    top = parts[0]
    assert top.kind == "action" and top.id == "legalize" and top.value < 0


def test_events_fire_deterministically_and_dilemmas_wait(world):
    game = Game(world, "test-run", seed=2, interactive=True)
    fired_at = None
    for _ in range(12):
        report = game.resolve_turn()
        if report.dilemmas:
            fired_at = report.turn
            with pytest.raises(GameError, match="answer the dilemma"):
                game.resolve_turn()
            game.choose("massacre", "crack_down")
            assert game.level("enforcement") == 2
            break
    assert fired_at is not None
    assert game.choices_made[-1].choice == "crack_down"


def test_a_massacre_adds_violence_the_turn_after(world):
    game = Game(world, "test-run", seed=2)
    for _ in range(12):
        report = game.resolve_turn()
        if any(e.event == "massacre" for e in report.events):
            break
    before = game.value("violence")[0, 0]
    game.resolve_turn()
    parts = {p.id: p.value for p in game.attribution("violence")}
    assert parts.get("massacre", 0.0) == pytest.approx(200.0)
    assert game.value("violence")[0, 0] != before


def test_endings_stop_a_game_and_cap_its_grade(world):
    game = Game(world, "test-run", seed=1, status_quo=True)
    game.resolve_turn()
    game.env["us_approval"] = np.full((1, 1), -5.0)  # as if the government had collapsed
    ending = game._check_endings(1, game.env)
    assert ending is not None and ending.id == "collapse"
    assert game.ended_turn[0, 0] == 1 != NEVER
    assert game.is_over
    game.resolve_turn()  # headless runs play on so every run has a full history
    assert game.ending_id[0] == "collapse"
    game.interactive = True
    with pytest.raises(GameError, match="over"):
        game.resolve_turn()
    assert game.debrief().grade == "catastrophic"


def test_debrief_scores_against_the_status_quo(world):
    result = run_plan(world, "test-run", None, seed=1)
    debrief = result.game.debrief()
    assert debrief.score == 0.0
    assert debrief.grade == "bad"


def test_a_game_ends_at_the_last_turn(world):
    game = Game(world, "test-run", seed=1)
    for _ in range(12):
        game.resolve_turn()
    assert game.is_over
    with pytest.raises(GameError, match="over"):
        game.resolve_turn()


def test_the_engine_never_imports_textual(fresh_process):
    # a new interpreter imported game.engine, game.cli, game.content.loader and game.formula,
    # after game.saves alone (tests/fresh_process.py)
    assert fresh_process["engine_textual"] == [], f"with game.saves alone: {fresh_process['saves_ui']}"


def test_preview_shows_the_direction_of_a_change_without_touching_the_game(world):
    game = Game(world, "test-run", seed=3)
    before = game.value("heavy_users").copy()
    effect = game.preview({"treatment": 2}, turns=4)
    assert effect["heavy_users"] < 0
    assert effect["cocaine_price"] == 0.0
    assert game.turn == 0 and np.array_equal(game.value("heavy_users"), before)
    assert game.level("treatment") == 0


def test_a_fork_plays_on_independently(world):
    game = Game(world, "test-run", seed=3)
    game.resolve_turn()
    fork = game.fork()
    fork.set_level("enforcement", 2)
    fork.resolve_turn()
    assert game.turn == 1 and fork.turn == 2
    assert len(game.history("violence")) == 2 and len(fork.history("violence")) == 3


def test_entity_stocks_move_row_by_row_and_keep_their_total(world):
    game = Game(world, "test-run", seed=3)
    start = game.value("share")[0].copy()
    assert start == pytest.approx([1 / 6, 3 / 6, 2 / 6])
    game.set_level("designation", 1)
    for _ in range(4):
        game.resolve_turn()
    share = game.value("share")[0]
    assert share[1] < start[1]                   # the designated one loses share
    assert share[0] > start[0] and share[2] > start[2]
    assert share.sum() == pytest.approx(1.0)
    assert game.history("top_share").shape == (5, 1)


def test_a_prerequisite_sees_other_levers_chosen_this_turn(tmp_path):
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "pack.toml").write_text('id = "pair"\nname = "Pair"\nversion = "1.0"\n')
    (folder / "a.toml").write_text(
        """
[side.us]
budget = "budget"
capital = "capital"
[parameter.budget]
value = 10.0
source = "illustrative"
[stock.capital]
initial = 10.0
[action.designate]
side = "us"
category = "x"
levels = ["off", "on"]
cost = [0.0, 0.0]
[action.target_suppliers]
side = "us"
category = "x"
levels = ["off", "on"]
cost = [0.0, 0.0]
prerequisites = [{ formula = "designate >= 1", message = "needs a designated organization" }]
[scenario.s]
briefing = "b"
start_year = 2012
turns = 4
"""
    )
    game = Game(load_world([folder]), "s")
    assert game.check_level("target_suppliers", 1) == ["needs a designated organization"]
    game.set_level("designate", 1)
    assert game.check_level("target_suppliers", 1) == []


def test_prerequisites_one_by_one_and_unsetting_a_planned_change(world):
    game = Game(world, "test-run", seed=3)
    assert game.prerequisites("treatment") == [("approval must be above 40%", 0, True)]
    game.set_level("enforcement", 2)
    game.unset_level("enforcement")
    assert game.level("enforcement") == 1 and game.capital_needed("us") == 0


def test_a_batch_replays_the_decisions_of_a_game(world):
    game = Game(world, "test-run", seed=5, interactive=True)
    game.set_level("treatment", 2)
    for _ in range(3):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, dilemma.choices[-1].id)
    band = game.batch(50)
    assert band.turn == 3 and band.runs == 50
    assert band.level("treatment") == 2
    pinned = Game(world, "test-run", seed=5, pins={"initiation": 0.2, "efficacy": 0.5}, interactive=True)
    pinned.set_level("treatment", 2)
    pinned.resolve_turn()
    again = pinned.batch(3)
    assert np.allclose(again.history("heavy_users")[:, 0], pinned.history("heavy_users")[:, 0])


def test_attribution_leaves_the_game_untouched(world):
    game = Game(world, "test-run", seed=9)
    game.set_level("legalize", 1)
    game.resolve_turn()
    before = (game.runs, game.value("revenue").copy())
    game.attribution("revenue")
    assert (game.runs, game.value("revenue").tolist()) == (before[0], before[1].tolist())
