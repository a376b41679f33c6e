"""`python -m inventory_as_code` runs the CLI."""

from __future__ import annotations

from inventory_as_code.cli import main

if __name__ == "__main__":
    main()
