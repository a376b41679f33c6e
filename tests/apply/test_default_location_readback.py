"""The read-back of an update to the store's default location, named otherwise in the YAML.

Wix creates every store with its default location ("Online store" in the
emulator); the YAML may call it anything (plan note DEFAULT_LOCATION_ALIAS),
and an update of its address or time zone leaves its Wix name alone. The
read-back compared the name anyway and reported exit 3 on a clean apply.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from inventory_as_code.cli import main

YAML = """
locations:
  Entrepôt Lyon:
    default: true
    time_zone: Europe/Paris
products:
  mug: {name: Mug, price: "5.00", stock: {Entrepôt Lyon: 3}}
"""


def test_updating_the_default_location_under_its_yaml_name_reads_back_clean(
    tmp_path: Path,
) -> None:
    (tmp_path / "store.yaml").write_text(YAML, encoding="utf-8")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        ["apply", str(tmp_path), "--site", "local", "--auto-approve", "--report-json", str(report)],
    )
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["inconsistencies"] == [], result.output
    assert result.exit_code == 0, result.output
    assert body["summary"]["applied"] == 4  # the time zone, the product, its variant, its stock
