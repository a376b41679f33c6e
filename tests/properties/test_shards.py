"""``--shard I/N`` covers every site exactly once, whatever the sites and N.

For random sets of site names (any text a toml key can be) and shard counts,
the N shards partition the sites: each site in exactly one shard, none left
out, whatever order the names come in; and adding a site moves no other site
to another shard (so a CI matrix's jobs agree without talking to each other).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inventory_as_code.fleet.shard import Shard, parse_shard, select, shard_of

NAMES = st.lists(st.text(min_size=1, max_size=30), max_size=60, unique=True)


@given(names=NAMES, count=st.integers(min_value=1, max_value=40), data=st.data())
def test_the_shards_cover_every_site_exactly_once_in_any_order(
    names: list[str], count: int, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(names))
    shards = [select(shuffled, parse_shard(f"{i}/{count}")) for i in range(1, count + 1)]
    every = [name for shard in shards for name in shard]
    assert sorted(every) == sorted(names)  # each once: none twice, none left out
    assert shards == [select(names, Shard(i, count)) for i in range(1, count + 1)]


@given(names=NAMES, extra=st.text(min_size=1, max_size=30), count=st.integers(1, 40))
def test_adding_a_site_moves_no_other_site(names: list[str], extra: str, count: int) -> None:
    before = {name: shard_of(name, count) for name in names}
    after = {name: shard_of(name, count) for name in [*names, extra]}
    assert all(after[name] == shard for name, shard in before.items())
