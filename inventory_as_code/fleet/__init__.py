"""Fleets: every site of ``inventory-as-code.toml`` in one run, or split over a CI matrix.

fleet/
  shard.py    --shard I/N: which sites a shard runs (stable hashing of their names)
  run.py      plan and apply each site concurrently, a site's failure its own
  outcome.py  what happened at one site, as data, and the fleet's exit code
  report.py   the report of a run (JSON), and combining the reports of shards
  render.py   the report as text and as one Markdown comment
  saved.py    saved plans of several sites: a folder, one plan file per site
"""
