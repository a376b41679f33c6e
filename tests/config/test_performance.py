"""A generated catalog validates quickly (smoke test; the full benchmark is in the report)."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from inventory_as_code.config import check_project

GENERATOR = Path(__file__).parents[2] / "benchmarks" / "gen_catalog.py"


def test_generated_catalog_is_valid_and_fast(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_catalog", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path, products=1000, variants=5, locations=3, files=4, seed=7)
    started = time.process_time()  # CPU, not wall: a busy machine stretches only the wall
    result = check_project(tmp_path)
    elapsed = time.process_time() - started
    assert result.problems == ()
    assert result.state is not None and result.state.stock_entry_count == 15_000
    assert elapsed < 5, elapsed  # about 0.4 s on the reference machine
