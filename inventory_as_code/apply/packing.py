"""Packing entries into as few calls as several per-call totals allow (pure).

A Bulk Create or Bulk Update of products is bounded by more than one total at
once: 100 products, 1,000 variants and 100 options per request (plus
modifiers and info sections, which this tool never sends). Each entry (one
product) has a size in every dimension; a call holds entries whose sizes add
up to at most each limit. Wix does not care about the order of products
within a call, so the entries may be regrouped freely.

This is vector bin packing, NP-hard in general, so the aim is the lower
bound: no packing needs fewer calls than :func:`fewest_calls`, the largest,
over the dimensions, of ``ceil(total / limit)``, of the number of entries
that each fill more than half of the limit (two such entries never share a
call), and of ``ceil(entries / m)`` where m is how many of the smallest
entries fit together (no call holds more: 81 products of 6 options need 6
calls of at most 16, not ``ceil(486 / 100) = 5``).

:func:`pack` tries to reach that bound with exactly that many calls: the
entries are dealt out largest first (by their largest share of a limit) over
the calls in a snake order (0, 1, ..., k-1, k-1, ..., 0, ...), each to the
next call in that order with room, which keeps every dimension balanced.
When that fails it deals them out again largest first by each dimension on
its own; then it packs first-fit decreasing, opening calls as needed, and
keeps that unless dealing into fewer calls than first-fit used succeeds.
On catalogues such as ours (0 to 6 options, variants from the choices) it
reaches the bound; where it does not, the bound itself is usually out of
reach (``docs/benchmarks.md`` has the measurement).

Cost: a :class:`_Room` tree finds a call with room in about log(calls)
steps, and most entries fit the first call they try, so 20,000 products
pack in well under a second whatever their mix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Size = Sequence[int]


def fewest_calls(sizes: Sequence[Size], limits: Size) -> int:
    """A lower bound on the calls any packing of ``sizes`` needs."""
    if not sizes:
        return 0
    bound = 0
    most_per_call = len(sizes)
    for dim, limit in enumerate(limits):
        column = sorted(size[dim] for size in sizes)
        bound = max(bound, math.ceil(sum(column) / limit))
        bound = max(bound, sum(1 for value in column if 2 * value > limit))
        # No call holds more entries than the smallest ones that fit together.
        room, fitting = limit, 0
        for value in column:
            if value > room:
                break
            room -= value
            fitting += 1
        most_per_call = min(most_per_call, fitting)
    return max(bound, math.ceil(len(sizes) / max(1, most_per_call)))


class _Room:
    """The room left in each of ``calls`` calls, per dimension, as max-trees.

    Each inner node holds, per dimension, the most room of any call below it:
    a subtree whose maxima cannot take an entry is skipped whole. (The maxima
    may come from different calls, so a subtree that passes can still hold no
    fitting call; the search then backtracks.)
    """

    def __init__(self, calls: int, limits: Size) -> None:
        self.leaves = 1 << max(0, (calls - 1).bit_length())
        self.dims = range(len(limits))
        self.trees: list[list[int]] = []
        for limit in limits:
            tree = [-1] * (2 * self.leaves)  # -1: a padding leaf no entry fits
            tree[self.leaves : self.leaves + calls] = [limit] * calls
            for node in range(self.leaves - 1, 0, -1):
                tree[node] = max(tree[2 * node], tree[2 * node + 1])
            self.trees.append(tree)

    def fits(self, call: int, size: Size) -> bool:
        leaf = self.leaves + call
        return all(self.trees[d][leaf] >= size[d] for d in self.dims)

    def take(self, call: int, size: Size) -> None:
        for d in self.dims:
            tree = self.trees[d]
            node = self.leaves + call
            tree[node] -= size[d]
            node //= 2
            while node:
                tree[node] = max(tree[2 * node], tree[2 * node + 1])
                node //= 2

    def first(self, low: int, high: int, size: Size, last: bool = False) -> int:
        """The first (or ``last``) call in ``[low, high)`` with room for ``size``, or -1."""
        return self._find(1, 0, self.leaves, low, high, size, last)

    def _find(
        self, node: int, start: int, end: int, low: int, high: int, size: Size, last: bool
    ) -> int:
        if end <= low or high <= start:
            return -1
        if any(self.trees[d][node] < size[d] for d in self.dims):
            return -1
        if node >= self.leaves:
            return node - self.leaves
        middle = (start + end) // 2
        halves = [(2 * node, start, middle), (2 * node + 1, middle, end)]
        for child, child_start, child_end in reversed(halves) if last else halves:
            found = self._find(child, child_start, child_end, low, high, size, last)
            if found >= 0:
                return found
        return -1


def _deal(order: list[int], sizes: Sequence[Size], limits: Size, calls: int) -> list[list[int]]:
    """Snake dealing into exactly ``calls`` calls; [] when an entry finds no room."""
    room = _Room(calls, limits)
    members: list[list[int]] = [[] for _ in range(calls)]
    position = 0  # along 0..k-1 forwards, then k-1..0 backwards
    for index in order:
        size = sizes[index]
        forward = position < calls
        call = position if forward else 2 * calls - 1 - position
        if not room.fits(call, size):
            # The next call along the snake with room: on this leg, then the other.
            if forward:
                found = room.first(call, calls, size)
                if found < 0 and (found := room.first(0, calls, size, last=True)) >= 0:
                    forward = False
            else:
                found = room.first(0, call + 1, size, last=True)
                if found < 0 and (found := room.first(0, calls, size)) >= 0:
                    forward = True
            if found < 0:
                return []
            call = found
        room.take(call, size)
        members[call].append(index)
        position = (call + 1 if forward else 2 * calls - call) % (2 * calls)
    return members


def _first_fit(order: list[int], sizes: Sequence[Size], limits: Size) -> list[list[int]]:
    """First-fit in ``order``, opening calls as needed (never more than one per entry)."""
    room = _Room(len(order), limits)
    members: list[list[int]] = [[] for _ in order]
    for index in order:
        call = room.first(0, len(order), sizes[index])
        room.take(call, sizes[index])
        members[call].append(index)
    return [m for m in members if m]


def pack(sizes: Sequence[Size], limits: Size) -> list[list[int]]:
    """Indexes of ``sizes`` grouped into calls, each within ``limits``; no empty call.

    Raises ``ValueError`` when one entry alone exceeds a limit (no call can
    carry it: plan-time feasibility refuses such a product first).
    """
    for index, size in enumerate(sizes):
        for value, limit in zip(size, limits, strict=True):
            if value > limit:
                raise ValueError(f"entry {index} alone has {value}, over the limit of {limit}")
    if not sizes:
        return []

    def largest_share(index: int) -> tuple[float, int]:
        shares = (v / limit for v, limit in zip(sizes[index], limits, strict=True))
        return (-max(shares, default=0), index)

    largest = sorted(range(len(sizes)), key=largest_share)
    rank = {index: position for position, index in enumerate(largest)}

    def largest_in(dim: int) -> list[int]:
        return sorted(range(len(sizes)), key=lambda i: (-sizes[i][dim], rank[i]))

    varying = [d for d in range(len(limits)) if len({size[d] for size in sizes}) > 1]
    orders = [largest] + [largest_in(dim) for dim in varying]
    bound = fewest_calls(sizes, limits)
    for order in orders:
        if members := _deal(order, sizes, limits, bound):
            return [sorted(m) for m in members if m]
    best = _first_fit(largest, sizes, limits)
    for calls in range(bound + 1, len(best)):
        for order in orders:
            if members := _deal(order, sizes, limits, calls):
                return [sorted(m) for m in members if m]
    return [sorted(m) for m in best]


__all__ = ["fewest_calls", "pack"]
