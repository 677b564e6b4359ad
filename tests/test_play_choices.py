"""Dilemma answers respect the player: levels move one way, pointless choices are not offered,
and events and choices have words that agree with the state they report (issue 12, defects 1 and 11).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from play_helpers import mini_mod

from game.content.errors import ContentErrors
from game.engine import Game, GameError, load_world

MINI = Path(__file__).parent / "packs" / "mini"

EVENTS = textwrap.dedent(
    """
    [event.summit]
    title = "A summit"
    text = "The summit asks what you will do."
    condition = "turn == 1"
    [[event.summit.choices]]
    id = "wait"
    label = "Wait and see"
    default = true
    [[event.summit.choices.variants]]
    condition = "enforcement > 1.2"
    label = "Keep your crackdown"
    [[event.summit.choices]]
    id = "push"
    label = "Promise normal enforcement"
    set_action = { enforcement = 1 }
    capital = { us = -5.0 }
    [[event.summit.choices]]
    id = "crack"
    label = "Crack down hard"
    set_action = { enforcement = 2 }
    capital = { us = -3.0 }
    [[event.summit.choices]]
    id = "ease"
    label = "Ease off"
    lower_action = { enforcement = 0 }
    [[event.summit.choices]]
    id = "never"
    label = "Only when violence is absurd"
    condition = "violence > 1e9"

    [event.rumour]
    title = "A rumour"
    text = "A rumour, the first time."
    condition = "turn >= 1"
    once = false
    [[event.rumour.variants]]
    repeat = 3
    text = "The rumour, a third time or more."
    [[event.rumour.variants]]
    repeat = 2
    title = "The rumour again"
    text = "The rumour, again."
    [[event.rumour.variants]]
    condition = "enforcement > 1.2"
    text = "A rumour, under a crackdown."
    """
)


def pack(tmp_path: Path, events: str = EVENTS, name: str = "choices") -> Path:
    return mini_mod(tmp_path, events, name, "events.toml")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return load_world([MINI, pack(tmp_path_factory.mktemp("pack"))])


def summit(game: Game):
    return next(d for d in game.pending_dilemmas if d.event == "summit")


def test_a_choice_that_would_change_nothing_is_not_offered(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.set_level("enforcement", 2)  # the player raised it to the top
    game.resolve_turn()
    offered = [c.id for c in summit(game).choices]
    assert "push" not in offered and "crack" not in offered  # both already done
    assert "ease" in offered and "wait" in offered
    assert "never" not in offered  # its condition does not hold


def test_an_answer_never_lowers_a_level_the_player_raised(world):
    """A headless answer not offered where it would lower a level: that run takes the default."""
    games = {}
    for answer in ("push", "wait"):
        game = Game(world, "test-run", seed=1, pins={"initiation": 0.2})
        game.planned_choices = {(1, "summit"): answer}
        game.set_level("enforcement", 2)
        game.resolve_turn()
        games[answer] = game
    assert games["push"].committed_level("enforcement") == 2
    # the default was taken instead: no capital spent on a promise that changed nothing
    assert games["push"].capital("us") == games["wait"].capital("us")
    assert games["push"].state_digest() == games["wait"].state_digest()


def test_raising_and_lowering_choices_move_levels_one_way(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.resolve_turn()  # enforcement stays at the scenario's 1
    assert {c.id for c in summit(game).choices} >= {"crack", "ease"}
    assert "push" not in {c.id for c in summit(game).choices}  # already at 1
    game.choose("summit", "crack")
    assert game.committed_level("enforcement") == 2
    other = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    other.resolve_turn()
    other.choose("summit", "ease")
    assert other.committed_level("enforcement") == 0


def test_a_planned_change_counts_as_done(world):
    """The player has planned the crackdown: the default answer leaves the plan alone."""
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.resolve_turn()
    game.set_level("enforcement", 2)  # planned before answering (a loaded save can do this)
    game.choose("summit", "wait")
    assert game.level("enforcement") == 2 and game.committed_level("enforcement") == 1


def test_a_choice_not_offered_cannot_be_chosen(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.set_level("enforcement", 2)
    game.resolve_turn()
    with pytest.raises(GameError, match="does not offer 'crack'"):
        game.choose("summit", "crack")


def test_choice_words_agree_with_the_state(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.set_level("enforcement", 2)
    game.resolve_turn()
    wait = next(c for c in summit(game).choices if c.id == "wait")
    assert wait.label == "Keep your crackdown"
    calm = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    calm.resolve_turn()
    assert next(c for c in summit(calm).choices if c.id == "wait").label == "Wait and see"


def test_a_repeated_event_reads_differently(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    texts = []
    for _ in range(4):
        game.resolve_turn()
        for d in list(game.pending_dilemmas):
            game.choose(d.event, next(c.id for c in d.choices if c.default))
        texts.append(next(e for e in game.events_fired if e.event == "rumour" and e.turn == game.turn))
    assert [e.text for e in texts] == [
        "A rumour, the first time.",
        "The rumour, again.",
        "The rumour, a third time or more.",
        "The rumour, a third time or more.",
    ]
    assert texts[1].title == "The rumour again" and texts[0].title == "A rumour"


def test_event_text_follows_its_condition(world):
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.set_level("enforcement", 2)
    game.resolve_turn()
    fired = next(e for e in game.events_fired if e.event == "rumour")
    assert fired.text == "A rumour, under a crackdown."


def crackdown_offer(event: str, capital: float) -> str:
    """A turn-1 dilemma: decline (the default) or raise enforcement to the top, at a capital cost."""
    return textwrap.dedent(
        f"""
        [event.{event}]
        title = "{event.title()}"
        text = "Fund a crackdown?"
        condition = "turn == 1"
        [[event.{event}.choices]]
        id = "no"
        label = "No"
        default = true
        [[event.{event}.choices]]
        id = "crack"
        label = "Fund a crackdown"
        set_action = {{ enforcement = 2 }}
        capital = {{ us = {capital} }}
        """
    )


def test_a_dilemma_left_with_nothing_to_decide_is_answered_by_its_default(tmp_path):
    world = load_world([MINI, pack(tmp_path, crackdown_offer("offer", -3.0), "offer")])
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.set_level("enforcement", 2)
    report = game.resolve_turn()
    assert not any(d.event == "offer" for d in game.pending_dilemmas)
    assert "offer" in {e.event for e in report.events}
    assert ("offer", "no") in {(c.event, c.choice) for c in game.choices_made}


def test_an_answer_that_makes_a_later_choice_pointless_withdraws_it(tmp_path):
    events = crackdown_offer("first", 0.0) + crackdown_offer("second", -4.0)
    world = load_world([MINI, pack(tmp_path, events, "twice")])
    game = Game(world, "test-run", seed=1, interactive=True, pins={"initiation": 0.2})
    game.resolve_turn()
    assert {d.event for d in game.pending_dilemmas} >= {"first", "second"}
    game.choose("first", "crack")
    assert not any(d.event == "second" for d in game.pending_dilemmas)
    assert ("second", "no") in {(c.event, c.choice) for c in game.choices_made}


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ('id = "a"\nlabel = "A"\ndefault = true\ncondition = "turn > 1"', "always offered"),
        (
            'id = "a"\nlabel = "A"\ndefault = true\nset_action = { enforcement = 2 }\n'
            "lower_action = { enforcement = 0 }",
            "both raised and lowered",
        ),
        ('id = "a"\nlabel = "A"\ndefault = true\nlower_action = { no_such = 0 }', "unknown action 'no_such'"),
        ('id = "a"\nlabel = "A"\ndefault = true\nlower_action = { enforcement = 7 }', "has no level 7"),
    ],
)
def test_bad_choices_are_refused_with_their_place(tmp_path, choice, message):
    events = f'[event.bad]\ntitle = "Bad"\ntext = "Bad."\n[[event.bad.choices]]\n{choice}\n'
    with pytest.raises(ContentErrors) as caught:
        load_world([MINI, pack(tmp_path, events, "bad")])
    text = "\n".join(str(e) for e in caught.value.errors)
    assert message in text and "events.toml:" in text


def test_a_variant_must_say_something(tmp_path):
    events = '[event.bad]\ntitle = "Bad"\ntext = "Bad."\n[[event.bad.variants]]\nrepeat = 2\n'
    with pytest.raises(ContentErrors) as caught:
        load_world([MINI, pack(tmp_path, events, "mute")])
    assert "needs a `title`, a `text` or both" in str(caught.value.errors[0])


@pytest.fixture(scope="module")
def base():
    return load_world([Path(__file__).parent.parent / "content" / "base"])


def play_to_election(base, levels: dict[str, int]) -> Game:
    """Play to the end of 2012 Q3 (Mexico voted in July), answering other dilemmas by default."""
    game = Game(base, "both-sides", seed=7, interactive=True)
    for aid, level in levels.items():
        game.set_level(aid, level, enforce=False)
    while game.turn < 3:
        game.resolve_turn()
        for d in [d for d in game.pending_dilemmas if d.event != "mx_election_2012"]:
            game.choose(d.event, next(c.id for c in d.choices if c.default))
    assert any(e.event == "mx_election_2012" for e in game.events_fired)
    return game


def test_mexico_2012_does_not_undo_a_designation_followed_through(base):
    game = play_to_election(base, {"mx_violence_targeting": 2})
    election = next(d for d in game.pending_dilemmas if d.event == "mx_election_2012")
    assert [c.id for c in election.choices] == ["stay_the_course", "end_the_war"]
    game.choose("mx_election_2012", "stay_the_course")
    assert game.committed_level("mx_violence_targeting") == 2


def test_an_election_with_nothing_left_to_decide_is_news(base):
    game = play_to_election(base, {"mx_violence_targeting": 2, "mx_kingpin_strategy": 0})
    assert not game.pending_dilemmas
    assert ("mx_election_2012", "stay_the_course") in {(c.event, c.choice) for c in game.choices_made}
    assert game.committed_level("mx_violence_targeting") == 2


def test_mexico_2012_words_stay_the_course_as_the_player_left_it(base):
    game = play_to_election(base, {"mx_kingpin_strategy": 0})
    election = next(d for d in game.pending_dilemmas if d.event == "mx_election_2012")
    stay = next(c for c in election.choices if c.id == "stay_the_course")
    assert stay.label == "Keep to your own course"
    assert "end_the_war" not in {c.id for c in election.choices}
    game.choose("mx_election_2012", "promise_violence_reduction")
    assert game.committed_level("mx_violence_targeting") == 1
    assert game.committed_level("mx_kingpin_strategy") == 0
