"""Progress while reading a store: live counters on a terminal, a line every few seconds elsewhere.

On a terminal, a transient line updates in place. In CI and in a pipe there
is no line to update, and a 100-second read must not look like a hang: a
plain line goes out every :data:`LOG_INTERVAL` seconds (nothing for a read
that finishes sooner, so quick commands print exactly what they did before).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.text import Text

from inventory_as_code.cli._common import in_ci

LOG_INTERVAL = 5.0  # seconds between progress lines in CI or a pipe


def _describe(counts: Counter[str]) -> str:
    return ", ".join(f"{count} {what}" for what, count in counts.items()) or "starting"


@contextmanager
def read_progress(
    console: Console, *, interval: float = LOG_INTERVAL
) -> Iterator[Callable[[str, int], None] | None]:
    if not console.is_terminal or in_ci():
        with _periodic_lines(console, interval) as report:
            yield report
        return
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def render() -> Text:
        with lock:
            parts = _describe(counts)
        return Text(f"Reading the live store: {parts}...", style="dim")

    with Live(render(), console=console, transient=True, refresh_per_second=8) as live:

        def report(what: str, count: int) -> None:
            with lock:
                counts[what] += count
            live.update(render())

        yield report


@contextmanager
def _periodic_lines(console: Console, interval: float) -> Iterator[Callable[[str, int], None]]:
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()

    def report(what: str, count: int) -> None:
        with lock:
            counts[what] += count

    def tick() -> None:
        while not stop.wait(interval):
            with lock:
                parts = _describe(counts)
            elapsed = time.monotonic() - started
            console.print(f"Reading the live store: {parts} ({elapsed:.0f} s)...")

    thread = threading.Thread(target=tick, name="progress", daemon=True)
    thread.start()
    try:
        yield report
    finally:
        stop.set()
        thread.join()
