"""Progress while reading a store: live counters on a terminal, nothing in CI or a pipe."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.text import Text

from inventory_as_code.cli._common import in_ci


@contextmanager
def read_progress(console: Console) -> Iterator[Callable[[str, int], None] | None]:
    if not console.is_terminal or in_ci():
        yield None
        return
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def render() -> Text:
        with lock:
            parts = ", ".join(f"{count} {what}" for what, count in counts.items())
        return Text(f"Reading the live store: {parts or 'starting'}...", style="dim")

    with Live(render(), console=console, transient=True, refresh_per_second=8) as live:

        def report(what: str, count: int) -> None:
            with lock:
                counts[what] += count
            live.update(render())

        yield report
