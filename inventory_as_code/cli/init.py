"""`inventory-as-code init [DIR]`: start a project in a new repository.

Writes ``inventory-as-code.toml`` (a production site, guard rails and the
project's file list, commented), a ``store.yaml`` starter, and the GitHub
workflows ``plan.yml`` and ``apply.yml`` (copies of ``examples/ci/github``
whose install step installs what this installation came from: see
:mod:`._install_source`), and adds ``.inventory-as-code/`` to ``.gitignore``.
It never overwrites: if any of these files exists, it writes nothing and says
which.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import click

from inventory_as_code import docs_url
from inventory_as_code._terminal import safe_text
from inventory_as_code.cli._common import EXIT_ERROR, make_console
from inventory_as_code.cli._install_source import DOCS, InstallSource, install_source
from inventory_as_code.site import LOCAL_DIR, PROJECT_CONFIG

# template in inventory_as_code/templates -> path in the new project
FILES = {
    "inventory-as-code.toml": PROJECT_CONFIG,
    "store.yaml": "store.yaml",
    "github/plan.yml": ".github/workflows/plan.yml",
    "github/apply.yml": ".github/workflows/apply.yml",
}
IGNORED = f"{LOCAL_DIR}/"
# The install step of the example workflows: its comment and the release it pins (the
# comment's docs/ci.md may already be a link to it).
INSTALL_STEP = re.compile(
    r"^(?P<indent> *)# The release to run; see (?:\S*/)?docs/ci\.md, "
    r'"Installing the tool in CI"\.\n'
    r'(?P=indent)run: pip install "inventory-as-code==(?P<version>[^"\n]+)"\n',
    re.MULTILINE,
)


def template(name: str, source: InstallSource | None = None) -> str:
    """A template's text; a workflow's install step installs ``source`` when given."""
    text = resources.files("inventory_as_code").joinpath("templates", name).read_text("utf-8")
    if source is not None:
        text = INSTALL_STEP.sub(lambda match: _install_step(match["indent"], source), text)
    # `{format.md}` in a template, and the workflows' mentions of docs/ci.md: those pages of
    # the docs, linked (pyproject's [project.urls]); a new repository has no docs/ of ours.
    for page in ("format.md", "ci.md"):
        text = text.replace("{" + page + "}", docs_url(page))
    return text.replace("docs/ci.md", docs_url("ci.md"))


def _install_step(indent: str, source: InstallSource) -> str:
    # One line of a YAML comment, whatever a path holds.
    origin = "".join(c if c.isprintable() else "?" for c in source.origin)
    if source.requirement is not None:
        return (
            f"{indent}# What `inventory-as-code init` was installed from: {origin}.\n"
            f"{indent}# To pin another release or commit, see {DOCS}.\n"
            f'{indent}run: pip install "{source.requirement}"\n'
        )
    return (
        f"{indent}# FILL IN: inventory-as-code was installed from {origin}, which CI cannot\n"
        f"{indent}# install from. Write the line here ({DOCS}), e.g.\n"
        f'{indent}#   run: pip install "inventory-as-code==VERSION"\n'
        f"{indent}run: echo '::error title=Install step not filled in::Write the pip install "
        "line of inventory-as-code in this step (docs/ci.md, Installing the tool in CI).' "
        "&& exit 1\n"
    )


@click.command("init")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
def init_command(directory: Path) -> None:
    """Start a project in DIR (default: the current folder) for a new repository.

    Writes inventory-as-code.toml, a store.yaml starter and the GitHub
    workflows .github/workflows/plan.yml and apply.yml, and adds
    .inventory-as-code/ to .gitignore. Never overwrites a file: when one
    exists, nothing is written.

    \b
    Examples:
      inventory-as-code init
      inventory-as-code init my-store && inventory-as-code validate my-store
    """
    err = make_console(stderr=True)
    # lexists: a dangling link named store.yaml is in the way too.
    existing = [path for path in FILES.values() if os.path.lexists(directory / path)]
    if existing:
        err.print(
            f"Nothing written: {', '.join(existing)} already exist(s) in {directory}. "
            "init only starts new projects; move those files away or edit them by hand."
        )
        raise SystemExit(EXIT_ERROR)
    gitignore = directory / ".gitignore"
    if os.path.lexists(gitignore) and not gitignore.is_file():
        err.print(f"Nothing written: {gitignore} is not a file, and init adds a line to it.")
        raise SystemExit(EXIT_ERROR)
    out = make_console()
    source = install_source()
    written: list[str] = []
    try:
        for name, path in FILES.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(template(name, source))
            written.append(str(target))
            out.print(f"Wrote {target}")
        if _ignore_local_store(gitignore):
            out.print(f"Added {IGNORED} to {gitignore}")
    except OSError as exc:  # a folder that cannot be created, a full disk
        where = exc.filename or directory
        err.print(
            f"Error: cannot write {where}: {exc.strerror or exc}. "
            + (f"Written before that: {', '.join(written)}." if written else "Nothing written.")
        )
        raise SystemExit(EXIT_ERROR) from None
    if source.requirement is not None:
        out.print(f"The workflows install {source.requirement}.")
    if source.warning:
        workflows = [w for w in written if w.endswith(".yml")]
        where = (
            f" (the step marked FILL IN in {' and '.join(workflows)})"
            if not source.reachable
            else ""
        )
        err.print("Warning: ", style="bold yellow", end="")
        err.print(safe_text(source.warning + where))
    out.print(
        "\nNext: name your locations in store.yaml and add products\n"
        f"({docs_url('format.md')}), then\n"
        f"  inventory-as-code validate {directory}\n"
        f"  inventory-as-code plan {directory}       # against the embedded local store\n"
        "For CI, create the secrets WIX_PROD_API_KEY and WIX_PROD_SITE_ID and the\n"
        f"`production` environment ({docs_url('ci.md')})."
    )


def _ignore_local_store(gitignore: Path) -> bool:
    """Add the embedded store's folder to .gitignore, unless a line already covers it."""
    # Bytes: git reads .gitignore in any encoding, and so must this.
    text = gitignore.read_bytes() if gitignore.exists() else b""
    lines = {line.strip().strip(b"/") for line in text.splitlines()}
    if LOCAL_DIR.encode() in lines:
        return False
    prefix = "" if not text or text.endswith(b"\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as handle:
        handle.write(f"{prefix}# the embedded local store of inventory-as-code\n{IGNORED}\n")
    return True
