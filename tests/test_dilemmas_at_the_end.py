"""No dilemma is posed once the game is over.

A playtester ended the last year of a class game and was then asked to answer a dilemma
under a header that said "game over"; the answer moved political capital after the end.
"""

from __future__ import annotations

from game.engine import Game


def test_a_dilemma_drawn_on_the_last_turn_takes_its_default_and_is_not_posed(mini_world, massacre_seed):
    def game() -> Game:
        return Game(mini_world, "test-run", seed=massacre_seed, interactive=True)

    probe, fires = game(), 0
    while not probe.pending_dilemmas:  # the turn whose end draws the dilemma (the fixture says: within four)
        probe.resolve_turn()
        fires = probe.turn
    event = probe.pending_dilemmas[0].event
    default = next(c.id for c in probe.pending_dilemmas[0].choices if c.default)

    last = game()
    last.turns = fires  # the same world, but that turn is the game's last
    for _ in range(fires):
        report = last.resolve_turn()
    assert last.is_over
    assert last.pending_dilemmas == [] and report.dilemmas == ()
    assert [(c.turn, c.event, c.choice) for c in last.choices_made] == [(fires, event, default)]
    probe.choose(event, default)  # answering it by hand gives the same world
    assert last.state_digest() == probe.state_digest()


def test_the_debrief_and_the_export_say_nobody_chose_a_default_taken_at_the_end(mini_world, massacre_seed):
    from game.app.readouts import timeline
    from game.classroom.exports import markdown

    probe = Game(mini_world, "test-run", seed=massacre_seed, interactive=True, status_quo=True)
    while not probe.pending_dilemmas:
        probe.resolve_turn()
    dilemma = probe.pending_dilemmas[0]
    last = Game(mini_world, "test-run", seed=massacre_seed, interactive=True, status_quo=True)
    last.turns = probe.turn
    for _ in range(probe.turn):
        last.resolve_turn()
    probe.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))

    [taken], [chosen] = last.choices_made, probe.choices_made
    assert taken.by_default and not chosen.by_default
    assert taken == chosen  # the same answer to the world: saves and replays compare equal
    said = [e.text for e in timeline(last) if e.kind == "choice"]
    assert said and "not put to a player; the default" in said[0] and "chose " not in said[0]
    assert [e.text for e in timeline(probe) if e.kind == "choice"][0].startswith(f"{dilemma.title}: chose ")
    assert f"{dilemma.title!r} was not put to a player: its default" in markdown(last)
    assert f"answered {dilemma.title!r}" in markdown(probe) and "not put to a player" not in markdown(probe)


def test_a_dilemma_left_with_one_choice_is_told_in_the_words_the_player_would_have_read(base_world):
    """With the kingpin strategy off and the violence targeting announced, Mexico's 2012 election
    leaves one answer, whose variant reads "Keep to your own course"; the debrief said "Stay the
    course", the label of the variant that did not hold."""
    from game.app.readouts import timeline

    game = Game(base_world, "both-sides", seed=7, runs=1, interactive=True)
    game.set_level("mx_kingpin_strategy", 0)
    game.set_level("mx_violence_targeting", 1)
    while not any(c.event == "mx_election_2012" for c in game.choices_made):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, dilemma.choices[0].id)
    taken = next(c for c in game.choices_made if c.event == "mx_election_2012")
    assert taken.by_default and taken.label == "Keep to your own course"
    said = [e.text for e in timeline(game) if e.kind == "choice" and "2012" in e.text]
    assert said == ["Mexico votes, July 2012: not put to a player; the default, Keep to your own course"]


def test_a_scenario_of_one_sides_levers_does_not_ask_the_other_sides_dilemmas(base_world):
    """High Point offers US street-level levers only: Mexico's 2012 election is not put to a
    player who has no Mexican lever; it takes its default, as a dilemma nobody answered."""
    game = Game(base_world, "high-point", seed=5, interactive=True)
    sides = {base_world.actions[aid].spec.side for aid in game.playable_actions()}
    assert sides == {"us"} and game.played_sides() == {"us"}
    asked: list[str] = []
    for _ in range(4):  # the Mexican election (July 2012) and the Colorado ballot (November)
        report = game.resolve_turn()
        asked += [d.event for d in report.dilemmas]
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    assert "colorado_washington_ballot" in asked, "a dilemma of the side played is still asked"
    assert not [e for e in asked if base_world.events[e].spec.side == "mx"]
    taken = [c for c in game.choices_made if c.event == "mx_election_2012"]
    assert len(taken) == 1 and taken[0].by_default
    headless = Game(base_world, "high-point", seed=5)  # every dilemma takes its default there too
    for _ in range(4):
        headless.resolve_turn()
    assert headless.state_digest() == game.state_digest()


def test_the_export_says_which_levers_a_dilemmas_answer_moved(base_world):
    """A teacher reading an export met a lever at a level no row of its table of decisions set: a
    dilemma's answer had raised it. The answer's line now says what it moved."""
    from game.classroom.exports import decision_rows, markdown

    game = Game(base_world, "both-sides", seed=7, runs=1, interactive=True, status_quo=True)
    promise = "promise_violence_reduction"
    while not any(c.event == "mx_election_2012" for c in game.choices_made):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            ids = [c.id for c in dilemma.choices]
            game.choose(dilemma.event, promise if promise in ids else ids[0])
    targeting = base_world.actions["mx_violence_targeting"].spec
    assert game.level("mx_violence_targeting") == 1
    assert "mx_violence_targeting" not in {row.action for row in decision_rows(game)}
    exported = markdown(game).splitlines()
    line = next(x for x in exported if "answered 'Mexico votes" in x)
    assert line.endswith(f"(raises {targeting.name} to {targeting.levels[1]})")
    # and the table of the levers that ended away from their start says what moved each
    ended = exported[exported.index("Levers at the end, where they moved from the start:") :]
    assert f"| MX | {targeting.name} | {targeting.levels[0]} | {targeting.levels[1]} | answers |" in ended


def test_an_objective_that_weighs_almost_nothing_reads_under_1_percent_not_0(base_world):
    """The debrief's weights showed "0%" for objectives that count a little (a playtester): one
    that would round to 0% now reads "<1%" in the export's table, as the briefing says "under 1%"."""
    from game.app.words import percent
    from game.classroom.exports import markdown

    game = Game(base_world, "both-sides", seed=7, runs=1, status_quo=True)
    game.resolve_turn()
    small = [r for r in game.debrief().objectives if 0 < r.weight < 0.005]
    assert small, "the base world has an objective weighing under half a percent"
    rows = [x for x in markdown(game).splitlines() if x.startswith("| ") and " | " in x]
    for row in small:
        [line] = [x for x in rows if x.startswith(f"| {row.label}")]
        assert " | <1% | " in line and " | 0% | " not in line
    assert percent(small[0].weight, short=True) == "<1%"  # the debrief screen's column
