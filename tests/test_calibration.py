"""Calibration of the base pack: MODEL.md's fourteen facts, each checked against the status quo.

Every test plays the `both-sides` scenario headless with a plan from `content/base/plans/`
and compares it with the status-quo twin of the same seed and draws. Uncertain parameters
are drawn per run, so most facts are checked over a batch: the range must hold for the
median run and, where the fact is about the model rather than a lucky draw, for the 5th to
95th percentile of runs too. A fact that cannot be met is marked xfail with its reason,
never loosened.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fresh_process import GAMES

from game.engine import Game, replay_plans, run_plan
from game.engine.simulate import PlanResult

# One xdist worker runs this whole module (--dist loadgroup):
# its shared status quo batches are played once per module.
pytestmark = pytest.mark.xdist_group("calibration")

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "content" / "base"
PLANS = BASE / "plans"
SCENARIO = "both-sides"
SEED = 7


RUNS = 50  # a batch is as quick at 50 runs as at 1 (the engine is vectorised over runs); see play()


@pytest.fixture(scope="module")
def world(base_world):
    return base_world


Pins = tuple[tuple[str, float], ...]
_STATUS_QUO: dict[tuple[int, int, Pins, int | None], Game] = {}
_PLAYED: dict[tuple[int, str | None, int, int | None, Pins], PlanResult] = {}


def status_quo(world, runs: int, pins: Pins = (), turns: int | None = None) -> Game:
    """The status quo for ``runs`` runs and these pins, played once (the whole scenario, or
    ``turns`` turns for the facts that read no later turn).

    It is the twin run_plan would play beside each plan (same seed, same draws: a test below
    checks so to the bit), shared by every fact that compares a plan with it. Read-only.
    """
    key = (id(world), runs, pins, turns)
    if key not in _STATUS_QUO:
        game = run_plan(
            world, SCENARIO, None, runs=runs, seed=SEED, turns=turns, pins=dict(pins), status_quo=False
        ).game
        _STATUS_QUO[key] = game
    return _STATUS_QUO[key]


def play(world, plan: str | None, runs: int = RUNS, turns: int | None = None, **pins: float) -> PlanResult:
    """A plan played for ``runs`` runs, beside the status quo of the same seed and draws.

    Every fact checks a range for the median run or for the 5th to 95th percentile of runs,
    or a bound for every run: 50 runs estimate those percentiles well enough (2-3 runs lie
    beyond each) and cost no more than a handful, since a batch's time is the turns', not
    the runs'. Facts that need the tails of a draw ask for more. A fact that reads no turn after
    the Nth plays its plan N turns (``turns``): a game's turn N is the same however far it goes
    on, and what is played later is never read. A plan played with the same
    runs, turns and pins by several tests is played once (read-only); with ``turns``, its
    status quo is played as far only when pinned (the unpinned one is shared whole).
    """
    pinned = tuple(sorted(pins.items()))
    if plan in BATCHED and runs == RUNS and not pins:
        return batched(world)[plan]
    key = (id(world), plan, runs, turns, pinned)
    if key not in _PLAYED:
        result = run_plan(
            world,
            SCENARIO,
            plan=PLANS / plan if plan else None,
            runs=runs,
            seed=SEED,
            turns=turns,
            pins=pins,
            status_quo=False,
        )
        twin = status_quo(world, runs, pinned, turns if pinned else None)
        _PLAYED[key] = PlanResult(result.game, twin, result.plan)
    return _PLAYED[key]


# The plans the facts play with RUNS runs and no pins, played once in one batch of plans
# (replay_plans: each block is run_plan's game of its plan, to the bit) to the last turn any of
# them reads (turn N of a game is the same however far it goes on); their twin is the shared
# status quo. Fact 7's designation plan is played alone: fact 14 plays it again alone.
BATCHED = (
    "cannabis_national.toml",
    "cannabis_one_state.toml",
    "crackdown_double.toml",
    "kingpin_intensified.toml",
    "designation_announced_only.toml",
    "dmi_national.toml",
    "legalize_all.toml",
    "decriminalize.toml",
    "mx_interdiction.toml",
    "prevention.toml",
    "opiate_substitution.toml",
)
_BATCHED: dict[int, dict[str, PlanResult]] = {}


def batched(world) -> dict[str, PlanResult]:
    if id(world) not in _BATCHED:
        blocks = replay_plans(world, SCENARIO, [PLANS / plan for plan in BATCHED], RUNS, SEED)
        twin = status_quo(world, RUNS)
        pairs = zip(BATCHED, blocks, strict=True)
        _BATCHED[id(world)] = {plan: PlanResult(block, twin, block.plan) for plan, block in pairs}
    return _BATCHED[id(world)]


def vs_status_quo(result: PlanResult, indicator: str, turn: int) -> np.ndarray:
    """Plan over status quo at a turn, one ratio per run."""
    assert result.status_quo is not None
    return result.game.history(indicator)[turn] / result.status_quo.history(indicator)[turn]


def spread(values: np.ndarray) -> tuple[float, float, float]:
    """5th percentile, median and 95th percentile over runs."""
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return float(p5), float(p50), float(p95)


def assert_between(values: np.ndarray, low: float, high: float, what: str) -> None:
    """The 5th-95th percentile band of runs lies inside [low, high]."""
    p5, p50, p95 = spread(values)
    assert low <= p5 and p95 <= high, (
        f"{what}: runs span {p5:.3f} / {p50:.3f} / {p95:.3f}, want [{low}, {high}]"
    )


# --------------------------------------------------------------------------- the pack itself


def test_the_pack_validates_clean(capsys):
    from game.cli import main

    code = main(["validate", str(BASE)])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err


def test_every_plan_names_real_actions_and_levels(world):
    from game.engine import load_plan

    plans = sorted(PLANS.glob("*.toml"))
    assert len(plans) >= 14
    for path in plans:
        plan = load_plan(path, world, SCENARIO)  # raises ContentErrors on a bad id or level
        assert plan.name and plan.description


INDICATOR_UNITS = {
    "mx_drug_homicides": "per month",
    "mx_dto_count": "organizations",
    "dto_revenue": "$B per year",
    "dto_revenue_cannabis": "$B per year",
    "us_heavy_users": "millions",
    "us_light_users": "millions",
    "us_cannabis_users": "millions",
    "us_consumption_index": "index, 2011 = 100",
    "us_heroin_consumption_index": "index, 2011 = 100",
    "us_drug_spending": "$B per year",
    "us_drug_prisoners": "thousands",
    "us_drug_money_prisoners": "thousands",
    "us_drug_arrests": "thousands per year",
    "us_possession_arrests": "thousands per year",
    "us_flagrant_markets": "markets",
    "us_retail_violence": "index, 2011 = 100",
    "legalization_support": "%",
    "us_approval": "%",
    "mx_approval": "%",
    "us_program_cost": "$B per year",
    "mx_program_cost": "$B per year",
}

# action id -> (number of levels, level in the 2011 status quo), as issue 3 fixes them
ACTION_LEVELS = {
    "us_conventional_enforcement": (5, 2),
    "us_cannabis_eradication": (3, 1),
    "us_violence_focus": (3, 0),
    "us_enforcement_metrics_reform": (2, 0),
    "us_dmi": (4, 0),
    "us_target_designated_suppliers": (2, 0),
    "hope": (5, 0),
    "treatment_expansion": (4, 0),
    "opiate_substitution": (4, 1),
    "school_prevention": (3, 1),
    "cannabis_legalization": (3, 0),
    "decriminalize_possession": (2, 0),
    "legalize_all_drugs": (2, 0),
    "mx_kingpin_strategy": (3, 1),
    "mx_supply_interdiction": (3, 1),
    "mx_violence_targeting": (3, 0),
    "mx_forensic_attribution": (2, 0),
    "mx_transparency": (2, 0),
}


def test_the_ids_other_code_relies_on_exist(world):
    for indicator, unit in INDICATOR_UNITS.items():
        assert indicator in world.indicators, indicator
        assert world.indicators[indicator].unit == unit, indicator
    scenario = world.scenarios[SCENARIO]
    for action, (levels, status_quo) in ACTION_LEVELS.items():
        assert world.actions[action].levels == levels, action
        assert scenario.action_levels.get(action, 0) == status_quo, action
    efficacy = world.parameters["hope_efficacy"]
    assert efficacy.value < 0.72 and efficacy.range == (0.0, 0.72)


def test_2011_programmes_fit_inside_each_budget(world):
    game = run_plan(world, SCENARIO, None, runs=1, seed=SEED, turns=1, status_quo=False).game
    for side in ("us", "mx"):
        assert game.planned_cost(side) <= float(game.value(world.sides[side].budget).mean())


def test_the_status_quo_the_facts_share_is_the_twin_run_plan_plays(world):
    """Sharing one status-quo batch changes nothing: it is the plan's own twin, to the bit."""
    pins = {"hope_efficacy": 0.72}  # fact 4's pinned status quo, played as far as fact 4 reads
    result = run_plan(world, SCENARIO, PLANS / "legalize_all.toml", runs=RUNS, seed=SEED, turns=13, pins=pins)
    assert result.status_quo is not None
    shared = status_quo(world, RUNS, tuple(pins.items()), HOPE_TURNS)
    for indicator in world.indicators:
        twin = result.status_quo.history(indicator)
        assert np.array_equal(twin, shared.history(indicator)[: len(twin)]), indicator


# --------------------------------------------------------------------------- fact 1


def test_fact_1_status_quo_first_turn_matches_2011(world):
    # every run must lie in the range: 200 draws of the uncertain parameters (one turn is cheap)
    game = run_plan(world, SCENARIO, None, runs=200, seed=SEED, turns=1, status_quo=False).game
    monthly_killings = game.history("mx_drug_homicides")[1]
    assert monthly_killings.min() >= 1000 and monthly_killings.max() <= 1700
    heavy = game.history("us_heavy_users")[1]
    assert heavy.min() >= 2.7 and heavy.max() <= 3.3
    prisoners = game.history("us_drug_prisoners")[1]
    assert prisoners.min() >= 425 and prisoners.max() <= 575
    revenue = game.history("dto_revenue")[1]
    assert revenue.min() >= 5.0 and revenue.max() <= 10.0
    cannabis_share = game.history("dto_revenue_cannabis")[1] / revenue
    assert cannabis_share.min() >= 0.15 and cannabis_share.max() <= 0.26


# --------------------------------------------------------------------------- fact 2


@pytest.fixture(scope="module")
def status_quo_batch(world):
    """Fact 2's batch: status_quo.toml, a plan that changes nothing, so the shared status quo.

    200 runs: the facts below hold for every run, so the more draws of the uncertain
    parameters they see the better; fact 4's drawn efficacy shares the batch.
    """
    from game.engine import load_plan

    plan = load_plan(PLANS / "status_quo.toml", world, SCENARIO)
    assert not plan.step and not plan.choice, "the status quo plan changes nothing"
    return status_quo(world, 200)


def test_fact_2_users_fall_while_consumption_holds(status_quo_batch):
    game = status_quo_batch
    users = game.history("us_light_users") + game.history("us_heavy_users")
    users_change = users[-1] / users[0]
    consumption_change = game.history("us_consumption_index")[-1] / game.history("us_consumption_index")[0]
    heavy_use_change = game.history("us_heavy_use_index")[-1] / 100.0
    assert np.median(users_change) <= 0.85, "hard-drug users should fall over ten years"
    # revised from a source: RAND found heroin and methamphetamine consumption growing 2010-2016 while
    # cocaine's fell (Midgette et al. 2019), so hard-drug consumption holds or grows a little
    assert_between(consumption_change, 0.9, 1.2, "hard-drug consumption after ten years")
    # revised from a source (content/base/README.md): heavy use grows with the move from prescription
    # opioids to heroin (RAND: heroin consumption +10% a year 2010-2016, Midgette et al. 2019)
    assert_between(heavy_use_change, 1.0, 1.3, "heavy users' consumption after ten years")
    assert np.all(1 - users_change > 2 * (1 - consumption_change)), "users must fall faster than use"


def test_fact_2_heavy_users_drift_at_most_ten_percent(status_quo_batch):
    # the cocaine-fitted LHY quasi-steady state holds for stimulant users; opioid users grow as
    # prescription-opioid users turn to heroin (revised from a source: RAND counted ~1.5M chronic
    # heroin users in 2010 and 2.3M in 2016, Kilmer et al. 2014, Midgette et al. 2019)
    groups = status_quo_batch.history("heavy_users")
    stimulants = groups[:, :, 1]
    drift = np.abs(stimulants / stimulants[0] - 1).max(axis=0)
    assert np.median(drift) <= 0.10
    opioid = groups[:, :, 0] + status_quo_batch.history("ost_patients") / 1000
    assert_between(opioid[20] / opioid[0], 1.2, 1.7, "heroin-dependent people, 2011 to 2016")


# indicators whose 2012-2021 trend a source documents far outside 0.5x-2x (content/base/README.md):
# CDC NCHS counted 2.6x the overdose deaths and 27x the synthetic-opioid deaths in 2021 as in 2012
# (41,502 to 106,699; 2,628 to 70,601), as fentanyl replaced heroin (Pardo et al. 2019)
TRENDS_FROM_SOURCES = {
    "us_overdose_deaths": (0.9, 4.0),
    "us_synthetic_opioid_deaths": (0.9, 150.0),
    "fentanyl_share": (1.0, 60.0),
    "us_heroin_consumption_index": (0.05, 2.0),
    # CDC: psychostimulant-involved deaths 3,627 (2013) to 16,167 (2019), 4.5x, mostly with fentanyl
    "opioid_overdose_deaths": (0.9, 15.0),
    "stimulant_overdose_deaths": (0.9, 15.0),
    # the heroin boom enriched the trafficking organizations; INEGI's homicides rose 83% from 2014 to
    # 2018 (20,010 to 36,685: history.toml), so the worst runs may pass 2x
    "mx_drug_homicides": (0.5, 2.5),
    # all homicides too: INEGI counted 3.1x as many in 2011 as in 2007 (8,867 to 27,213) and 83% more
    # in 2018 than in 2014, with Jalisco's expansion, the Sinaloa succession war and the fuel-theft
    # boom (taps on Pemex's pipelines 3,635 in 2014, about 15,100 in 2018): the worst runs may pass 2x
    "mx_homicides": (0.5, 2.5),
    # DEA 2020 NDTA: Mexican marijuana 'largely supplanted by domestic-produced marijuana', border
    # seizures down about 80% from 2013 to 2019, as legal states reached a third of Americans
    "dto_revenue_cannabis": (0.03, 1.3),
    # NSDUH: 18.1M past-month users (2011), 26.0M (2017), 31.6M (2019): 1.75x in eight years
    "us_cannabis_users": (0.9, 2.4),
    # FBI UCR: marijuana arrests 758k (2011), 546k (2019), 350k (2020, the pandemic): 0.46x in nine years
    # while users rose by three quarters (Leafly, 'Marijuana arrests dropped 36% in 2020'); New York, New
    # Jersey and Virginia, about a tenth of Americans, legalized possession in 2021, so 2021 may go lower
    "us_cannabis_arrests": (0.2, 1.1),
    # days of use grew faster than users (Burns et al. 2013), and legal stores are cheaper
    "us_cannabis_consumption_index": (0.9, 2.6),
}


def test_fact_2_no_indicator_runs_away_in_ten_years(status_quo_batch, world):
    game = status_quo_batch
    checked = 0
    for indicator, info in world.indicators.items():
        if info.axis is not None:
            continue
        series = game.history(indicator)
        if np.any(series[0] == 0):
            # starts at zero in 2011 (no designation, no legal market): no ratio to take
            assert indicator in {"designation_credibility", "legal_tax_revenue"}, indicator
            continue
        ratio = series / series[0]
        if indicator in TRENDS_FROM_SOURCES:
            low, high = TRENDS_FROM_SOURCES[indicator]
            span = f"{indicator}: {ratio.min():.2f}-{ratio.max():.2f}"
            assert ratio.min() >= low and ratio.max() <= high, span
            checked += 1
            continue
        if indicator == "mx_approval":
            # revised from a source (content/base/README.md): Peña Nieto's approval fell from 54% in
            # December 2012 to 17-24% in 2017-2018 (Consulta Mitofsky), 0.3-0.45x of its start, as
            # homicides rose; the pack's status quo may go as low as history did, not lower
            assert ratio.min() >= 0.3 and ratio.max() <= 2.0, f"mx_approval: {ratio.min():.2f}"
            checked += 1
            continue
        assert ratio.min() >= 0.5 and ratio.max() <= 2.0, (
            f"{indicator} leaves 0.5x-2x of its start: {ratio.min():.2f}-{ratio.max():.2f}"
        )
        checked += 1
    assert checked >= 25


# --------------------------------------------------------------------------- fact 3


def test_fact_3_national_cannabis_legalization(world):
    result = play(world, "cannabis_national.toml", turns=8)
    assert_between(1 - vs_status_quo(result, "dto_revenue", 8), 0.15, 0.26, "DTO revenue cut after 8 turns")
    assert_between(1 - vs_status_quo(result, "us_drug_prisoners", 8), 0.05, 0.15, "drug incarceration cut")
    assert np.all(vs_status_quo(result, "us_cannabis_consumption_index", 8) > 1.1)
    assert np.all(vs_status_quo(result, "us_cannabis_users", 8) > 1.0)


def test_fact_3_one_state_alone(world):
    # revised from a source (content/base/README.md): RAND's 2-4% assumed California's cannabis stays in
    # California; DEA's 2020 NDTA found legal states' cannabis had largely supplanted Mexico's nationwide,
    # so one large state displaces some Mexican supply elsewhere too, but far less than a national market
    result = play(world, "cannabis_one_state.toml", turns=8)
    assert_between(1 - vs_status_quo(result, "dto_revenue", 8), 0.02, 0.10, "DTO revenue cut, one state")


# --------------------------------------------------------------------------- fact 4


# fact 4 reads turn 20: its pinned plans and status quos are played that far
HOPE_TURNS = 20


def test_fact_4_faithful_hope_at_hawaii_efficacy(world):
    result = play(world, "hope_full.toml", turns=HOPE_TURNS, hope_efficacy=0.72)
    heavy_cut = 1 - vs_status_quo(result, "us_heavy_users", 20)
    revenue_cut = 1 - vs_status_quo(result, "dto_revenue_hard", 20)
    assert 0.25 <= np.median(heavy_cut) <= 0.40, spread(heavy_cut)
    assert 0.25 <= np.median(revenue_cut) <= 0.40, spread(revenue_cut)
    assert np.all(vs_status_quo(result, "us_drug_money_prisoners", 20) < 0.95)
    assert np.all(result.game.history("hope_fidelity")[12:21] > 90), "a staged rollout stays faithful"


def test_fact_4_hope_at_replication_efficacy_does_nothing(world):
    result = play(world, "hope_full.toml", turns=HOPE_TURNS, hope_efficacy=0.0)
    assert np.all(np.abs(1 - vs_status_quo(result, "us_heavy_users", 20)) < 0.02)
    assert np.all(np.abs(1 - vs_status_quo(result, "dto_revenue_hard", 20)) < 0.02)


def test_fact_4_drawn_efficacy_shows_the_spread(world):
    # the 10th and 90th percentiles need the tails (the status quo is fact 2's 200-run batch)
    result = play(world, "hope_full.toml", runs=200, turns=HOPE_TURNS)
    heavy_cut = 1 - vs_status_quo(result, "us_heavy_users", 20)
    p10, p90 = np.percentile(heavy_cut, [10, 90])
    assert p10 < 0.05, "some worlds are the replication's: HOPE does little"
    assert p90 > 0.20, "some worlds are Hawaii's: HOPE shrinks heavy use a lot"


@pytest.mark.parametrize("pins", [{"hope_efficacy": 0.72}, {}], ids=["hawaii", "drawn"])
def test_hope_rushed_is_swamped_early_and_climbs_out(world, pins):
    """What hope_rushed.toml, hope.toml and the README say of rushing HOPE: everyone on it at once
    outruns sanction capacity, so sanctions are uncertain (fidelity well below the phased plan's)
    in the first year; but capacity is built at the same pace in both plans and at 0.6 of the
    participants no swamped equilibrium outlives the build-up (except for efficacy 0.40-0.42), so
    from the third year both run at the same fidelity and the heavy users left differ little.

    The texts used to promise a rushed programme that 'stays stuck' swamped and 'fails'; the
    rule's arithmetic (swamping.toml) never did that with these numbers, and two playtesters
    found rushing scoring like the phased plan. This holds the texts to what the model does."""
    rushed = play(world, "hope_rushed.toml", turns=HOPE_TURNS, **pins).game
    phased = play(world, "hope_full.toml", turns=HOPE_TURNS, **pins).game
    fast, slow = rushed.history("hope_fidelity"), phased.history("hope_fidelity")
    assert np.all(fast[1:5] < 35) and np.all(slow[1:5] > 35), "first year: rushed sanctions are uncertain"
    assert np.all(np.abs(fast[12:21] - slow[12:21]) < 10), "from the third year: the same fidelity"
    if pins:
        assert np.all(fast[12:21] > 99), "at Hawaii's efficacy the rushed programme climbs out"
    left = rushed.history("us_heavy_users")[20] / phased.history("us_heavy_users")[20]
    assert np.all(np.abs(left - 1) < 0.05), spread(left)


# --------------------------------------------------------------------------- fact 5


def test_fact_5_crackdown_fills_prisons_but_the_market_replaces_dealers(world):
    result = play(world, "crackdown_double.toml", turns=20)
    assert np.all(vs_status_quo(result, "us_drug_arrests", 20) > 1.9)
    assert_between(vs_status_quo(result, "us_drug_prisoners", 20), 1.5, 3.0, "drug prisoners")
    assert_between(vs_status_quo(result, "us_consumption_index", 20), 0.9, 1.1, "consumption")
    assert_between(vs_status_quo(result, "dto_revenue", 20), 0.9, 1.1, "DTO revenue")


# --------------------------------------------------------------------------- fact 6


def test_fact_6_kingpin_strategy_raises_violence_and_splits_organizations(world):
    result = play(world, "kingpin_intensified.toml", turns=4)
    for turn in (2, 3, 4):
        assert_between(vs_status_quo(result, "mx_drug_homicides", turn), 1.2, 3.0, f"homicides, turn {turn}")
    assert np.all(vs_status_quo(result, "mx_dto_count", 4) > 1.05)


def test_el_chapos_escape_needs_the_kingpin_strategy_that_captured_him(world):
    """The 2015 escape fired on its date alone: a game that ended the kingpin strategy in 2012
    lost capital and approval for a capture that never happened in it (a playtester)."""
    game = Game(world, SCENARIO, seed=1, status_quo=True)
    game.set_level("mx_kingpin_strategy", 0)
    for _ in range(16):  # to 2016 Q1, past July 2015
        game.resolve_turn()
    assert game.status_quo is not None
    assert "prison_escape" in {e.event for e in game.status_quo.events_fired}
    assert "prison_escape" not in {e.event for e in game.events_fired}


# --------------------------------------------------------------------------- fact 7


def test_fact_7_designation_followed_through_cuts_homicides(world):
    result = play(world, "designation_followthrough.toml")
    assert_between(vs_status_quo(result, "mx_drug_homicides", 12), 0.0, 0.8, "homicides after 12 turns")
    # the violence falls through deterrence, not because less is trafficked
    assert np.all(np.abs(vs_status_quo(result, "dto_revenue", 12) - 1) < 0.02)


def test_fact_7_designation_announced_but_not_followed_through_decays(world):
    result = play(world, "designation_announced_only.toml", turns=20)
    cut = 1 - np.stack([vs_status_quo(result, "mx_drug_homicides", t) for t in range(1, 21)])
    peak = cut[:8].max(axis=0)
    assert np.median(peak) > 0.05, "an announcement alone buys a little, for a while"
    assert np.all(cut[-1] < 0.25 * peak), "without follow-through the effect decays"


# --------------------------------------------------------------------------- fact 8


def test_fact_8_dmi_closes_markets_without_more_arrests(world):
    result = play(world, "dmi_national.toml")
    assert_between(vs_status_quo(result, "us_flagrant_markets", 20), 0.0, 0.9, "flagrant markets")
    assert_between(vs_status_quo(result, "us_retail_violence", 20), 0.0, 0.9, "retail violence")
    for indicator in ("us_drug_arrests", "us_drug_prisoners"):
        ratios = np.stack([vs_status_quo(result, indicator, t) for t in range(1, 41)])
        assert ratios.max() <= 1.001, f"{indicator} rose under DMI"


# --------------------------------------------------------------------------- fact 9


def test_fact_9_legalizing_all_drugs(world):
    # the plan legalizes at turn 5; the facts are read 8 turns later, before the 2016 election
    # (the game the next test plays on to 2021: turn 13 is the same however far it goes)
    result = play(world, "legalize_all.toml")
    assert np.all(vs_status_quo(result, "dto_revenue", 13) < 0.2)
    assert np.all(vs_status_quo(result, "mx_drug_homicides", 13) < 0.5)
    assert np.all(vs_status_quo(result, "us_heavy_use_index", 13) >= 2.0), "heavy use at least doubles"
    # Heavy users (a count) grow only as fast as light users escalate: with the pool bounded,
    # +7% to +22% two years on (content/base/README.md, "Calibration"), and rising every year after.
    heavy = vs_status_quo(result, "us_heavy_users", 13)
    assert np.all(heavy > 1.05) and np.median(heavy) > 1.1, "and heavy users keep rising"
    approval = result.game.history("us_approval")[13]
    assert np.all(approval < result.status_quo.history("us_approval")[13] - 15)
    assert np.all(approval < 38), "below what it takes to win the 2016 election"


def test_fact_9_legalizing_all_drugs_multiplies_heavy_use_by_a_bounded_factor(world):
    result = play(world, "legalize_all.toml")
    heavy = np.stack([vs_status_quo(result, "us_heavy_users", t) for t in range(13, 41)])
    assert np.all(np.diff(heavy, axis=0) > 0), "heavy users rise every quarter after legalization"
    assert_between(heavy[-1], 1.25, 2.5, "heavy users in 2021, legal since 2013")
    assert_between(vs_status_quo(result, "us_heavy_use_index", 40), 2.0, 5.0, "heavy use in 2021")
    pool = result.game.history("us_residents_12plus")[-1]
    users = result.game.history("us_light_users")[-1] + result.game.history("us_heavy_users")[-1]
    assert np.all(users < 0.1 * pool), "use is bounded by the population, far from saturating it"


# --------------------------------------------------------------------------- fact 10


def test_fact_10_decriminalizing_possession(world):
    result = play(world, "decriminalize.toml", turns=8)
    assert_between(vs_status_quo(result, "us_consumption_index", 8), 1.01, 1.10, "consumption")
    assert_between(vs_status_quo(result, "dto_revenue", 8), 1.01, 1.10, "DTO revenue")
    assert np.all(vs_status_quo(result, "us_possession_prisoners", 8) < 0.75)


# --------------------------------------------------------------------------- fact 11


def test_fact_11_mexican_interdiction_shifts_routes_and_raises_violence(world):
    result = play(world, "mx_interdiction.toml")
    for turn in range(1, 41):
        assert np.all(np.abs(vs_status_quo(result, "us_heavy_users", turn) - 1) <= 0.05)
        assert np.all(np.abs(vs_status_quo(result, "us_heavy_use_index", turn) - 1) <= 0.05)
    violence = vs_status_quo(result, "mx_drug_homicides", 8)
    assert np.all(violence > 1.0) and np.median(violence) > 1.05


# --------------------------------------------------------------------------- fact 12


def test_fact_12_prevention_is_small_and_slow(world):
    result = play(world, "prevention.toml")
    effect = {t: 1 - vs_status_quo(result, "us_heavy_users", t) for t in (16, 32, 40)}
    assert np.all(np.abs(effect[32]) < 0.02), "under 2% on heavy users within eight years"
    assert np.all(effect[40] > 0) and np.all(effect[40] > 3 * np.abs(effect[16])), "visible only later"
    light = 1 - vs_status_quo(result, "us_light_users", 40)
    assert np.all(light > effect[40]), "it shows first among light users"


# --------------------------------------------------------------------------- fact 13


def test_fact_13_opiate_substitution_shrinks_heroin_not_the_whole_trade(world):
    result = play(world, "opiate_substitution.toml", turns=8)
    assert np.all(vs_status_quo(result, "us_heroin_consumption_index", 8) < 0.85)
    cut = 1 - vs_status_quo(result, "dto_revenue", 8)
    assert np.all(cut > 0) and np.all(cut <= 0.20)


# --------------------------------------------------------------------------- fact 14


def test_fact_14_same_plan_and_seed_give_identical_numbers(world):
    # fact 7's game against the same plan and seed played again (no status-quo twin beside it)
    first = play(world, "designation_followthrough.toml").game
    second = run_plan(
        world, SCENARIO, PLANS / "designation_followthrough.toml", runs=RUNS, seed=SEED, status_quo=False
    ).game
    for indicator in world.indicators:
        assert np.array_equal(first.history(indicator), second.history(indicator)), indicator


def test_fact_14_identical_in_a_new_process(world, fresh_process):
    # a new interpreter (tests/fresh_process.py) played this game: every indicator's whole
    # history, as bytes (the same digest means the same numbers to the bit)
    spec = GAMES["fact 14"]
    plan = str(PLANS / "designation_followthrough.toml")
    assert (spec.packs, spec.scenario, spec.plan) == ((str(BASE),), SCENARIO, plan)
    assert (spec.runs, spec.seed) == (RUNS, SEED)
    g = play(world, "designation_followthrough.toml").game  # fact 7's game
    assert fresh_process["digests"]["fact 14"] == spec.digest(g)
