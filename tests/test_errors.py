"""One root for every error a user can cause, so a caller catches one thing."""

from __future__ import annotations

import pickle

import pytest

from game.cli import CliError
from game.content.errors import ContentError, ContentErrors
from game.engine import ActionRefused, GameError, SimulationError
from game.errors import BorderlineError, did_you_mean
from game.formula import FormulaError
from game.saves import PackMismatch, ReplayMismatch, SaveError, SaveExists


@pytest.mark.parametrize(
    "cls",
    [
        ContentError,
        ContentErrors,
        FormulaError,
        GameError,
        ActionRefused,
        SimulationError,
        SaveError,
        SaveExists,
        PackMismatch,
        ReplayMismatch,
        CliError,
    ],
)
def test_every_error_a_user_can_cause_is_a_borderline_error(cls):
    assert issubclass(cls, BorderlineError)


def test_a_simulation_error_is_a_game_error_so_callers_catch_one_thing():
    assert issubclass(SimulationError, GameError)


def test_a_content_problem_is_an_exception_that_sorts_and_compares_as_a_record():
    a, b = ContentError("b.toml", 1, 2, "x"), ContentError("a.toml", 9, 1, "y")
    assert sorted([a, b]) == [b, a]
    assert a == ContentError("b.toml", 1, 2, "x") and len({a, ContentError("b.toml", 1, 2, "x")}) == 1
    assert str(a) == "b.toml:1:2: x"
    with pytest.raises(ContentError) as caught:
        raise a
    assert caught.value.line == 1


def test_every_problem_raised_together_is_caught_as_a_content_error_at_the_first():
    problems = ContentErrors([ContentError("b.toml", 1, 2, "x"), ContentError("a.toml", 9, 1, "y")])
    with pytest.raises(ContentError) as caught:
        raise problems
    assert (caught.value.file, caught.value.line) == ("a.toml", 9)
    assert str(caught.value) == "a.toml:9:1: y\nb.toml:1:2: x"
    assert pickle.loads(pickle.dumps(problems)).errors == problems.errors


def test_did_you_mean_offers_the_closest_name_only_when_it_is_close():
    assert did_you_mean("heavy_user", ["heavy_users", "light_users"]) == ' (did you mean "heavy_users"?)'
    assert did_you_mean("zzz", ["heavy_users"]) == ""
