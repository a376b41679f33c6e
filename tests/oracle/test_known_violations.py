"""The KNOWN_VIOLATIONS table only shrinks: each entry must still happen somewhere.

``plugin.py`` runs this test last. It can only judge a run of the whole suite
(``pytest`` with no selection), because a listed violation may come from any
test; in a partial run it skips and says so.
"""

from __future__ import annotations

import pytest

from tests.oracle import known
from tests.oracle.catalog import catalog
from tests.oracle.plugin import state


def test_every_known_violation_still_occurs(request: pytest.FixtureRequest) -> None:
    current = state(request.config)
    if not current.whole_suite():
        pytest.skip("judged only when the whole suite runs (pytest with no selection)")
    stale = sorted(set(known.KNOWN_VIOLATIONS) - current.seen_known)
    assert not stale, (
        "these KNOWN_VIOLATIONS no longer occur anywhere in the suite; the bugs are "
        "fixed, so delete their entries from tests/oracle/known.py:\n"
        + "\n".join(f"  {key!r}" for key in stale)
    )


def test_known_entries_name_a_real_endpoint_and_side() -> None:
    declared = {m.template(m.http_method) for m in catalog().methods} | {
        m.template("POST") for m in catalog().methods if m.post_form
    }
    for (endpoint, field, side), reason in known.KNOWN_VIOLATIONS.items():
        assert endpoint in declared, f"{endpoint!r} is no endpoint of the pinned SDK"
        assert field.startswith("$"), field
        assert side in ("request", "response"), side
        assert reason.strip(), f"{endpoint} {field}: give the reason"
