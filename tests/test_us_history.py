"""The United States 2012-2021 under the history plan: cannabis, arrests and the series history.toml holds."""

from __future__ import annotations

import numpy as np
import pytest
from test_overdoses import HISTORY, SCENARIO, history_backtest, history_run, world, year

from game.engine import run_plan

US_SERIES = {
    "nsduh_cannabis_users",
    "fbi_drug_arrests",
    "fbi_cannabis_arrests",
    "gallup_cannabis_support",
}
__all__ = ["history_run", "world"]  # fixtures shared with the overdose tests: one world, one history run
# on the overdose tests' worker (--dist loadgroup), so the history run is played once for both
pytestmark = pytest.mark.xdist_group("overdoses")


@pytest.mark.parametrize("seed", [1, 7])
def test_every_us_series_tracks_history_under_the_history_plan(world, seed):
    result = history_backtest(world, seed)  # the history plan, 100 runs (shared with test_backtest)
    us = [s for s in result.series if s.id != "inegi_homicides"]
    assert US_SERIES <= {s.id for s in us}, "the US series the issue names are in history.toml"
    assert len(us) >= 6
    for series in us:
        assert series.passed, (series.id, series.failures)
        assert series.share_inside >= 0.8
        for row in series.years:
            if row.year in series.checked_years:
                assert abs(row.median / row.real - 1) <= 0.2, (series.id, row.year, row.median, row.real)


def test_daily_cannabis_users_are_a_group_of_their_own_growing_more_slowly(history_run):
    g = history_run
    daily = year(g, "cannabis_daily_users", 2018)
    every = year(g, "us_cannabis_users", 2018)
    # NSDUH 2018: 3.4% of adults (about 8.6M) used on 20+ days a month, of some 27M past-month users
    assert 0.25 < np.median(daily / every) < 0.45
    assert np.median(daily) > 7.2, "daily use grows"
    assert np.median(daily / 7.2) < np.median(every / 18.1), "but more slowly than use in all"


def test_cannabis_arrests_fall_while_users_rise(history_run):
    g = history_run
    users = year(g, "us_cannabis_users", 2019) / year(g, "us_cannabis_users", 2012)
    arrests = year(g, "us_cannabis_arrests", 2019) / year(g, "us_cannabis_arrests", 2012)
    assert np.all(users > 1.2)
    # FBI: marijuana arrests 750k (2012) to 546k (2019), while users rose by two thirds
    assert np.all(arrests < 0.9) and np.median(arrests) > 0.5


def test_us_grown_cannabis_displaces_mexicos_as_states_legalize(history_run, world):
    g = history_run
    # DEA 2020 NDTA: border seizures of marijuana down about 80% from 2013 to 2019
    ratio = year(g, "dto_revenue_cannabis", 2019) / year(g, "dto_revenue_cannabis", 2013)
    assert np.median(ratio) < 0.6
    # the faster US-grown cannabis leaks out of the legal states, the less Mexico keeps
    kept = {}
    for full in (0.4, 0.9):
        pins = {"displacement_full_share": full}  # played to 2019's last quarter, the last it reads
        game = run_plan(world, SCENARIO, HISTORY, runs=20, seed=1, turns=32, pins=pins, status_quo=False).game
        revenue = year(game, "dto_revenue_cannabis", 2019) / year(game, "dto_revenue_cannabis", 2013)
        kept[full] = np.median(revenue)
    assert kept[0.4] < kept[0.9] < 1


def _played(world, tmp_path, steps: str, turns: int):
    """A plan of ``steps`` (TOML [[step]] tables) played ``turns`` turns beside its status quo."""
    plan = tmp_path / "plan.toml"
    plan.write_text(f'scenario = "{SCENARIO}"\n{steps}')
    result = run_plan(world, SCENARIO, plan, runs=8, seed=3, turns=turns)
    assert result.status_quo is not None
    return result.game, result.status_quo


def _now(game, name: str) -> np.ndarray:
    value = np.asarray(game.env[name], dtype=float).reshape(-1)  # a scalar where no run differs
    return np.broadcast_to(value, (game.runs,)) if value.size == 1 else value


def _fired(game, event: str) -> np.ndarray:
    return np.array([e.share for e in game.events_fired if e.event == event] or [0.0])


def test_california_legalized_by_the_player_is_not_counted_again_by_the_2016_ballots(world, tmp_path):
    # the lever's level 1 is California (a seventh of US consumption); the 2016 ballots legalized
    # California, Massachusetts, Nevada and Maine: with California legal already, only the others are new
    game, status_quo = _played(
        world, tmp_path, '[[step]]\nturn = 1\naction = "cannabis_legalization"\nlevel = 1\n', 24
    )
    assert (
        _fired(game, "state_ballots_2016").sum() == 1 and _fired(status_quo, "state_ballots_2016").sum() == 1
    )
    # so from 2017 the legal states are the same places in both games, and so is their legal share
    np.testing.assert_allclose(_now(game, "cannabis_legal_share"), _now(status_quo, "cannabis_legal_share"))
    np.testing.assert_allclose(
        _now(game, "cannabis_arrest_legal_share"), _now(status_quo, "cannabis_arrest_legal_share")
    )
    assert np.all(
        _now(game, "state_legal_cannabis_share") < _now(status_quo, "state_legal_cannabis_share") - 0.1
    )


def test_a_national_market_reaches_the_legal_states_without_counting_them_twice(world, tmp_path):
    # legalized nationally after the 2016 ballots: the states' stores were legal already, so the
    # national market (a tenth of the trade untaxed and illicit) adds its 90% to the rest of the country
    steps = '[[step]]\nturn = 22\naction = "cannabis_legalization"\nlevel = 2\n'
    game, _ = _played(world, tmp_path, steps, 28)
    lever = _now(game, "cannabis_legalization")
    np.testing.assert_allclose(lever, 0.9)
    states = _now(game, "state_legal_cannabis_share")
    arrests = _now(game, "state_legal_arrest_share")
    assert np.all(states > 0.15), "the 2012-2016 ballots had fired"
    np.testing.assert_allclose(_now(game, "cannabis_legal_share"), 0.9 + 0.1 * states)
    np.testing.assert_allclose(_now(game, "cannabis_arrest_legal_share"), 0.9 + 0.1 * arrests)
    assert np.all(_now(game, "cannabis_legal_share") < 1), "an untaxed illicit trade remains"
