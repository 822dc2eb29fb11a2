"""The whole sample quarter of `kaoping demo` as dated steps: the registry, findings, bonus claims, complaints and
好差评 ratings."""

from __future__ import annotations

import random
from pathlib import Path

from cli.sample import data
from cli.sample.claims import bonuses, complaints
from cli.sample.findings import WeeklySheets, background_findings, story_findings
from cli.sample.plan import Scenario, registry
from cli.sample.tenure import tenure
from cli.sample.voice import ratings


def scenario(workdir: Path, seed: int = data.SEED) -> Scenario:
    """The whole sample quarter as dated steps (deterministic for a seed)."""
    sc = Scenario(workdir=workdir, rng=random.Random(seed))
    registry(sc)
    tenure(sc)  # first: the random facts below keep to each one's time in the center
    weekly = WeeklySheets()
    cast = story_findings(sc, weekly)
    taken = set(cast.values())
    pool = [p for ps in sc.people.values() for p in ps if p not in taken]
    sc.rng.shuffle(pool)
    achievers, spare = pool[:22], pool[22:]
    background_findings(sc, weekly, spare)
    weekly.schedule(sc)
    bonuses(sc, achievers)
    complaints(sc, cast)
    ratings(sc, achievers, taken)  # last, and from seeds of its own: the steps above stay as they were
    sc.actions.sort()
    return sc

