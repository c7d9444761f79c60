"""Scenarios: named, ordered sets of dated changes applied to the baseline plan."""

from .result import ChangeEffect, ScenarioRun

__all__ = ["ChangeEffect", "ScenarioRun"]
