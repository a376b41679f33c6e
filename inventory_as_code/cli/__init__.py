"""The command line: the only part of the package that prints.

Each command lives in its own module and is registered on the ``main`` group
here. Commands open what they need, call one library function and turn the
library's exceptions into a clean message and a documented exit code.
"""

from __future__ import annotations

import click

from inventory_as_code import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inventory-as-code")
def main() -> None:
    """Wix Stores inventory as code: plan and apply your catalog from YAML."""
