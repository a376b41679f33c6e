"""The command line: the only part of the package that prints.

Each command lives in its own module and is registered on the ``main`` group
here. Commands open what they need, call one library function and turn the
library's exceptions into a clean message and a documented exit code (see
``_common``).
"""

from __future__ import annotations

import difflib
import importlib

import click

from inventory_as_code import __version__
from inventory_as_code.cli._argv import add_global_options, normalise_argv

# Each command is imported when it runs, not when the CLI starts: `validate`
# needs neither the Wix client nor httpx, which `apply` alone took 0.3 s to
# import. The order is the one `--help` lists them in.
COMMANDS = {
    "init": ("inventory_as_code.cli.init", "init_command"),
    "validate": ("inventory_as_code.cli.validate", "validate_command"),
    "fmt": ("inventory_as_code.cli.fmt", "fmt_command"),
    "plan": ("inventory_as_code.cli.plan", "plan_command"),
    "apply": ("inventory_as_code.cli.apply", "apply_command"),
    "pull": ("inventory_as_code.cli.pull", "pull_command"),
    "show": ("inventory_as_code.cli.show", "show_command"),
    "combine": ("inventory_as_code.cli.combine", "combine_command"),
    "status": ("inventory_as_code.cli.status", "status_command"),
    "check": ("inventory_as_code.cli.check", "check_command"),
    "export": ("inventory_as_code.cli.export", "export_command"),
    "acceptance": ("inventory_as_code.cli.acceptance", "acceptance_command"),
    "completion": ("inventory_as_code.cli.completion", "completion_command"),
    "emulator": ("inventory_as_code.emulator.cli", "emulator_group"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (see COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        # The main group's options work after the command too (`plan --no-color`).
        add_global_options(command, [p for p in self.params if isinstance(p, click.Option)])
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Terraform's spellings (`-out`), settled before click reads `-out` as `-o ut`.
        return super().parse_args(ctx, normalise_argv(ctx, args))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            close = difflib.get_close_matches(name, COMMANDS, n=1)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {close[0]!r}?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        # The last net under every command, those without @handle_errors too
        # (validate, init, the emulator): no output of this tool is a traceback.
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click prints these itself
        except Exception as exc:
            # Imported here: rich costs `validate` a tenth of a second it rarely needs.
            from inventory_as_code.cli._common import exit_on_exception

            exit_on_exception(exc)


def _no_color(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # On whichever command it was given: a command's context takes the colour of its
    # parent when it is made, and click.echo and make_console() read the current one.
    if value:
        ctx.color = False


# The main group's options are every command's too (add_global_options), so each does
# its work in a callback rather than through main()'s arguments.
@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inventory-as-code")
@click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    callback=_no_color,
    help="No colours or styles in the output (like NO_COLOR=1).",
)
def main() -> None:
    """Wix Stores inventory as code: plan and apply your catalog from YAML.

    With no Wix credentials every command runs against an embedded local
    store in .inventory-as-code/ (an emulator of the Wix API), so you can try
    everything without a Wix account. Start a new repository with `init`.
    """
