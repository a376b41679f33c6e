"""The cyclic garbage collector around bulk work: paused, then frozen, never a full sweep.

Loading a 10,000-product catalog allocates millions of small objects; with
the collector running, each allocation burst triggers collections that rescan
them all (measured: it doubled the load time of a large catalog). Nothing
built there forms reference cycles, so reference counting frees it all, and
the collector is paused while the work runs.

Pausing has two costs, and both are avoided here:

* Cycles made while paused are kept until the collector runs again. The bulk
  work makes none: the HTTP client breaks the one cycle httpx builds per
  response (``wix._client._release``), the live model is acyclic, and stock
  items are not even tracked (``gc=False`` structs). A test reads a store
  with the collector paused and checks that no garbage is left behind.
* Switching the collector back on makes everything allocated meanwhile "young":
  the next collection would walk all of it (0.55 s after a 10,000-product
  load). Instead the survivors are frozen (``gc.freeze``): moved out of the
  collector's view, at no cost. They are long-lived (the model and the live
  store), and reference counting still frees them.

Only the first pause of a process freezes: a command does its bulk work once
(a plan, a validation), and that is where the 0.55 s are won. A long-running
process (the test suite) plans many times; freezing each time would keep all
its objects out of the collector's reach for good, so later pauses simply
switch the collector back on, as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
            gc.enable()
