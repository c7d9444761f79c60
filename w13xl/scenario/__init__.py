"""Scenarios: named, ordered sets of dated changes applied to the baseline plan.

One engine (:mod:`w13xl.scenario.engine`) runs one scenario or a million: every quantity of
its state carries a leading scenario axis. Entry point: :func:`run_scenarios`."""

from .engine import run_scenarios
from .result import ChangeEffect, ScenarioRun, ScenarioRuns

__all__ = ["ChangeEffect", "ScenarioRun", "ScenarioRuns", "run_scenarios"]
