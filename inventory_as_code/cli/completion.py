"""`inventory-as-code completion SHELL`: print the shell completion script."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL; add it to your shell's startup file.

    \b
    Examples:
      inventory-as-code completion bash >> ~/.bashrc
      inventory-as-code completion zsh > ~/.zfunc/_inventory-as-code
      inventory-as-code completion fish > ~/.config/fish/completions/inventory-as-code.fish
    """
    root = ctx.find_root().command
    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above only lets known shells through
    script = cls(root, {}, "inventory-as-code", "_INVENTORY_AS_CODE_COMPLETE").source()
    click.echo(script)
