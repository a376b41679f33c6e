"""One measured step of the harness (``run.py``), as it is stored in the results JSON."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    size: int
    setting: str
    step: str
    calls: int | None = None
    calls_by_route: dict[str, int] = field(default_factory=dict)
    tool_calls: int | None = None
    lower_bound: int | None = None
    lower_bound_what: str = ""
    wall_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    rate_floor_s: float | None = None
    baseline_calls: int | None = None
    baseline_wall_s: float | None = None
    baseline_cpu_s: float | None = None
    baseline_computed: bool = False
    baseline_note: str = ""
    floor_wall_s: float | None = None
    floor_cpu_s: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    ok: bool = True
    note: str = ""
