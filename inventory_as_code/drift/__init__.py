"""Drift that explains itself: why the store and the YAML differ, and what resolves it.

``plan --explain-drift`` gives every change of the plan a cause
(:class:`~inventory_as_code.plan.model.Drift`), without a state file, from
evidence the tool has anyway: each live object's ``updatedDate``
(:mod:`.store_dates`) and the git history of the YAML lines behind the change
(:mod:`.history`: one ``git blame`` per file). :mod:`.classify` holds the
rule that compares the two. The plan is otherwise unchanged: ``apply`` never
reads a cause.
"""

from __future__ import annotations

from inventory_as_code.drift.explain import explain_drift

__all__ = ["explain_drift"]
