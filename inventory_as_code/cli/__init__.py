"""The command line: the only part of the package that prints.

Each command lives in its own module and is registered on the ``main`` group
here. Commands open what they need, call one library function and turn the
library's exceptions into a clean message and a documented exit code (see
``_common``).
"""

from __future__ import annotations

import click

from inventory_as_code import __version__
from inventory_as_code.cli.apply import apply_command
from inventory_as_code.cli.completion import completion_command
from inventory_as_code.cli.export import export_command
from inventory_as_code.cli.init import init_command
from inventory_as_code.cli.plan import plan_command
from inventory_as_code.cli.show import show_command
from inventory_as_code.cli.status import status_command
from inventory_as_code.cli.validate import validate_command
from inventory_as_code.emulator.cli import emulator_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inventory-as-code")
@click.option(
    "--no-color",
    is_flag=True,
    help="No colours or styles in the output (like NO_COLOR=1). Before the command.",
)
@click.pass_context
def main(ctx: click.Context, no_color: bool) -> None:
    """Wix Stores inventory as code: plan and apply your catalog from YAML.

    With no Wix credentials every command runs against an embedded local
    store in .inventory-as-code/ (an emulator of the Wix API), so you can try
    everything without a Wix account. Start a new repository with `init`.
    """
    if no_color:
        ctx.color = False  # click.echo strips styles; make_console() reads it too


main.add_command(init_command)
main.add_command(validate_command)
main.add_command(plan_command)
main.add_command(apply_command)
main.add_command(show_command)
main.add_command(status_command)
main.add_command(export_command)
main.add_command(completion_command)
main.add_command(emulator_group)
