"""`inventory-as-code acceptance`: prove plan and apply on a real site (or an emulator).

The suite (:mod:`inventory_as_code.acceptance`) runs against the site the
environment or ``--site`` names, never against the embedded local store.
This module resolves the site, turns SIGTERM (a cancelled CI job) into the
same clean stop as Ctrl-C, writes the report and prints.
"""

from __future__ import annotations

import contextlib
import json
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click

from inventory_as_code._terminal import safe_text
from inventory_as_code.acceptance.scenarios import SCENARIOS
from inventory_as_code.cli._common import (
    EXIT_OK,
    EXIT_REFUSED,
    check_output_path,
    fail,
    handle_errors,
    make_console,
)

DEFAULT_REPORT = Path("acceptance-report.json")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A cancelled CI job sends SIGTERM: clean up as on Ctrl-C instead of dying mid-write."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("acceptance")
@click.option(
    "--site",
    metavar="NAME",
    help="Site from inventory-as-code.toml (see --project). Default: the site WIX_API_KEY and "
    "WIX_SITE_ID name (WIX_API_BASE_URL: an emulator instead of Wix).",
)
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder whose inventory-as-code.toml defines --site.",
)
@click.option(
    "--prefix",
    default="iac-acc-",
    show_default=True,
    help="Start of every name the suite makes (slugs, SKUs, options, its location); "
    "each run adds its own part, e.g. iac-acc-k3x9q-.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    type=click.Choice([s.name for s in SCENARIOS]),
    help="Run only this scenario (repeatable). Default: all.",
)
@click.option(
    "--create-location",
    is_flag=True,
    help="Create the suite's own location PREFIXlocation if the site has none yet. Wix "
    "cannot delete a location, so it stays, and later runs reuse it; without it the "
    "locations scenario is skipped on a site that lacks it.",
)
@click.option(
    "--prefix-is-safe",
    is_flag=True,
    help="Run on a site holding products or locations the suite did not create (it refuses "
    "and lists them otherwise). Nothing whose name does not start with the prefix is changed.",
)
@click.option(
    "--cleanup",
    "cleanup_only",
    is_flag=True,
    help="Run nothing: delete every product whose slug starts with the prefix (leftovers of "
    "a killed run) and put the suite's location back at its home address.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REPORT,
    show_default=True,
    help="Where to write the JSON report; the readable summary goes next to it (.txt).",
)
@click.option(
    "--requests-per-minute",
    type=click.FloatRange(min=1),
    help="Client rate limit (default: the site's setting, else 180; Wix allows about 200).",
)
@handle_errors
def acceptance_command(
    site: str | None,
    project: Path,
    prefix: str,
    scenarios: tuple[str, ...],
    create_location: bool,
    prefix_is_safe: bool,
    cleanup_only: bool,
    report_path: Path,
    requests_per_minute: float | None,
) -> None:
    """Prove plan and apply on a site: the acceptance suite.

    Creates products (and stock, options, swatches) under a prefix of its own,
    plans and applies every kind of change the tool makes, and checks each
    step: the store changed exactly as the plan said, the read-back is clean,
    the next plan is empty. The same steps run on an in-process emulator too;
    every place the site answered differently is written to the report. What
    the run made is removed at the end, on Ctrl-C too (--cleanup removes what a
    killed run left). It refuses a site that holds anything it did not create,
    unless told the prefix is safe. Against Wix it takes about 4 minutes (the
    rate limit). On a Wix dev site, step by step: docs/acceptance.md.

    \b
    Exit codes: 0 all held, no differences; 2 all held, the site answered
    differently from the emulator (see the report); 3 a step failed (the
    contract broke, or the site refused a step); 4 refused (nothing
    created); 1 error; 130 interrupted.

    \b
    Examples:
      export WIX_API_KEY=... WIX_SITE_ID=...      # a Wix dev site
      inventory-as-code acceptance --create-location
      inventory-as-code acceptance --site staging --prefix-is-safe
      inventory-as-code acceptance --cleanup
    """
    # Imported here: the suite pulls in the emulator and the whole tool.
    from inventory_as_code.acceptance.recorder import RecordingTransport
    from inventory_as_code.acceptance.report import (
        is_acceptance_report_head,
        is_acceptance_summary_head,
        render_summary,
        summary_path,
    )
    from inventory_as_code.acceptance.runner import Store
    from inventory_as_code.acceptance.suite import (
        AcceptanceRefused,
        Options,
        check_prefix,
        cleanup,
        run_acceptance,
    )
    from inventory_as_code.site import LOCAL_SITE, connect, resolve_site

    out, err = make_console(), make_console(stderr=True)
    check_prefix(prefix)
    if site == LOCAL_SITE or resolve_site(project, site) is None:
        fail(
            "the acceptance suite proves a site: set WIX_API_KEY and WIX_SITE_ID (a Wix dev "
            "site, see docs/acceptance.md), or pass --site NAME from inventory-as-code.toml. "
            "To try it without Wix, start `inventory-as-code emulator serve` and set "
            "WIX_API_BASE_URL to the address it prints."
        )
    if not cleanup_only:
        check_output_path(
            "--report",
            report_path,
            "nothing was run.",
            ours=is_acceptance_report_head,
            kind="an acceptance report",
        )
        check_output_path(
            "--report",
            summary_path(report_path),
            "nothing was run.",
            ours=is_acceptance_summary_head,
            kind="the summary of an acceptance report",
        )
    options: dict[str, Any] = {"transport": RecordingTransport()}
    if requests_per_minute is not None:
        options["requests_per_minute"] = requests_per_minute
    client, target = connect(project, site, **options)
    recorder = options["transport"]
    with client, tempfile.TemporaryDirectory(prefix="iac-acceptance-") as folder:
        out.print(f"Using {safe_text(target.description)}.")
        if cleanup_only:
            removed = cleanup(client, prefix, Path(folder))
            what = ", ".join(removed) if removed else f"nothing under {prefix!r} was left"
            out.print(safe_text(f"Cleanup: {what}."))
            raise SystemExit(EXIT_OK)
        store = Store(client, recorder, Path(folder))
        run = Options(prefix, scenarios, create_location, prefix_is_safe)
        try:
            with _sigterm_as_interrupt():
                report = run_acceptance(store, run, lambda line: out.print(safe_text(line)))
        except AcceptanceRefused as exc:
            fail(str(exc), EXIT_REFUSED)
        except KeyboardInterrupt:
            err.print(
                f"Interrupted while cleaning up: run `inventory-as-code acceptance --cleanup "
                f"--prefix {prefix}` to remove what is left."
            )
            raise SystemExit(130) from None
    summary = render_summary(report)
    report_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    summary_file = summary_path(report_path)
    summary_file.write_text(summary, encoding="utf-8")
    out.print(safe_text(summary, keep_newlines=True), end="")
    out.print(f"Report: {report_path} (summary: {summary_file})")
    raise SystemExit(report.exit_code)
