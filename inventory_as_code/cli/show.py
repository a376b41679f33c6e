"""`inventory-as-code show PLANFILE`: render a saved plan without touching any store."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from inventory_as_code._terminal import safe_text
from inventory_as_code.cli._common import EXIT_REFUSED, handle_errors, make_console
from inventory_as_code.cli.plan import print_plan, rendering_options
from inventory_as_code.plan.saved import PLAN_KEY_ENV, PlanFileError, is_signed, plan_key
from inventory_as_code.plan.saved_stream import read_saved_plan
from inventory_as_code.plan.streamed_view import streamed_plan


@click.command("show")
@click.argument("planfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="As `plan --format`.",
)
@rendering_options
@handle_errors
def show_command(planfile: Path, fmt: str, detailed: bool, max_length: int) -> None:
    """Show a plan saved by `plan --out`, after checking its checksum. Offline.

    A signed plan's signature is checked when INVENTORY_AS_CODE_PLAN_KEY is
    set. Guard rails show as accepted or not when the plan was made; `apply`
    reads the acceptances again from the checked-out project.

    Lets a CI job print, or post, exactly the plan it is about to apply.

    \b
    Examples:
      inventory-as-code show plan.json --detailed
      inventory-as-code show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    key = plan_key()
    try:
        # Checked change by change, then read again as it is rendered: a big plan is never
        # held whole as JSON (plan.saved_stream).
        saved = read_saved_plan(planfile, key=key)
    except PlanFileError as exc:
        make_console(stderr=True).print(f"Refused: {safe_text(str(exc))}")
        raise SystemExit(EXIT_REFUSED) from None
    with closing(saved):
        if key is None and is_signed(saved.others):
            make_console(stderr=True).print(
                f"Note: the plan is signed; set {PLAN_KEY_ENV} to check the signature."
            )
        if fmt == "json":
            members = saved.members()
            print_plan(None, fmt, detailed=detailed, max_length=max_length, json_body=members)
            return
        try:
            # Its changes read as they are rendered; a plan in another order is built whole.
            streamed = streamed_plan(saved)
            plan, view = (saved.plan(), None) if streamed is None else streamed
        except PlanFileError as exc:
            make_console(stderr=True).print(f"Refused: {safe_text(str(exc))}")
            raise SystemExit(EXIT_REFUSED) from None
        print_plan(plan, fmt, detailed=detailed, max_length=max_length, json_body=None, view=view)
