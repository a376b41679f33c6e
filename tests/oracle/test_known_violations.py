"""The KNOWN_VIOLATIONS table only shrinks: each entry must still happen somewhere.

``plugin.py`` runs this test last. It can only judge a run of the whole suite
(``pytest`` with no selection), because a listed violation may come from any
test; in a partial run it skips and says so.
"""

from __future__ import annotations

import pytest

from tests.oracle import known
from tests.oracle.catalog import catalog
from tests.oracle.plugin import STALE_MESSAGE, is_worker, listed_keys, stale_known, state


def test_every_known_violation_still_occurs(request: pytest.FixtureRequest) -> None:
    current = state(request.config)
    if is_worker(request.config):
        pytest.skip("under xdist the controller judges this over every worker's findings")
    if not current.whole_suite():
        pytest.skip("judged only when the whole suite runs (pytest with no selection)")
    stale = stale_known(current)
    assert not stale, STALE_MESSAGE + listed_keys(stale)


def test_known_entries_name_a_real_endpoint_and_side() -> None:
    declared = {m.template(m.http_method) for m in catalog().methods} | {
        m.template("POST") for m in catalog().methods if m.post_form
    }
    for (endpoint, field, side), reason in known.KNOWN_VIOLATIONS.items():
        assert endpoint in declared, f"{endpoint!r} is no endpoint of the pinned SDK"
        assert field.startswith("$"), field
        assert side in ("request", "response"), side
        assert reason.strip(), f"{endpoint} {field}: give the reason"
