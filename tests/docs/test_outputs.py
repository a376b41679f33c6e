"""Every output the docs quote is what the tool prints: each is a tested fixture.

A fenced block in README.md or docs/*.md that shows what a command prints is
preceded by a marker that says where it comes from:

    <!-- output: PROJECT: inventory-as-code ARGS... [(exit N)] -->
        the command run in a copy of PROJECT (its folder as the current one,
        with the embedded local store). A PROJECT folder holding ``store/``
        and ``project/`` (tests/docs/*) is a scenario: ``store/`` is applied
        first, then the command runs in ``project/`` against that store.
    <!-- from: FILE -->
        lines quoted from a file of the repository (a workflow's message).
    <!-- example: WHY -->
        output that cannot be made offline (a run against a real Wix site);
        WHY says so. Kept to a minimum.

The block must equal the output, with timings (``0.3 s``) normalised and
trailing spaces ignored; a line ``...`` stands for any number of lines.
``UPDATE_DOC_FIXTURES=1 pytest tests/docs`` rewrites the blocks that have no
``...`` from the real output (review the diff). And a fenced block that looks
like the tool's output but has no marker fails here, so the docs cannot
drift again.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from inventory_as_code.cli import main
from inventory_as_code.site import LOCAL_DIR
from tests.e2e.cli import BASE_ENV, REPO, applied

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
UPDATE = bool(os.environ.get("UPDATE_DOC_FIXTURES"))

MARKER = re.compile(r"^\s*<!-- (output|from|example): (.*?) -->\s*$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
# What the tool prints, as opposed to YAML, commands or addresses: its first lines,
# plan entries, problems with a position, summaries, annotations.
LOOKS_LIKE_OUTPUT = re.compile(
    r"^\s*(Using |Read \d|Read: |Plan: |No changes|OK: |Error: |Refused|::(error|warning)|"
    r"Notes:|Fix: |Saved the plan|Wrote |Formatted |Acceptance suite|The Wix oracle|"
    r"[+~!-] (location|option|product|variant|stock)\[|-/\+ stock\[|"
    r"\S+\.ya?ml:\d+:\d+: |\d+ problems? in )"
)
TIMING = re.compile(r"\b\d+\.\d+ s\b")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # of the marker (1-based), or of the fence when there is none
    kind: str | None  # output, from, example; None: no marker
    spec: str
    language: str
    text: str  # the block's lines, without the fences and their indentation

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"


def blocks(doc: Path) -> Iterator[Block]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, language = opening.group(1), opening.group(2)
        end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
        body = [line[len(indent) :] for line in lines[index + 1 : end]]
        previous = index - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        marker = MARKER.match(lines[previous]) if previous >= 0 else None
        kind, spec = (marker.group(1), marker.group(2)) if marker else (None, "")
        line = previous + 1 if marker else index + 1
        text = "\n".join(body) + "\n" if body else ""
        yield Block(doc, line, kind, spec, language, text)
        index = end + 1


ALL = [block for doc in DOCS for block in blocks(doc)]
MARKED = [b for b in ALL if b.kind == "output"]


def test_every_block_that_looks_like_output_names_where_it_comes_from() -> None:
    unmarked = [
        block.where
        for block in ALL
        if block.kind is None
        and block.language in ("", "text", "console")
        and any(LOOKS_LIKE_OUTPUT.match(line) for line in block.text.splitlines())
    ]
    assert not unmarked, (
        "blocks that look like the tool's output without <!-- output: ... --> "
        f"(see tests/docs/test_outputs.py): {unmarked}"
    )


def test_what_cannot_be_made_offline_says_why() -> None:
    for block in ALL:
        if block.kind == "example":
            assert "Wix" in block.spec or "suite" in block.spec, block.where


@pytest.mark.parametrize("block", [b for b in ALL if b.kind == "from"], ids=lambda b: b.where)
def test_lines_quoted_from_a_file_are_in_it(block: Block) -> None:
    source = (REPO / block.spec).read_text(encoding="utf-8")
    for line in block.text.splitlines():
        quoted = line.strip().removesuffix("...").strip()
        assert quoted in source, f"{block.where}: {quoted!r} is not in {block.spec}"


# --- running the marked commands ------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    project: str
    args: tuple[str, ...]
    exit_code: int


def parse(spec: str) -> Command:
    project, _, command = spec.partition(": ")
    exit_code = 0
    found = re.fullmatch(r"(.*?)\s*\(exit (\d+)\)", command)
    if found:
        command, exit_code = found.group(1), int(found.group(2))
    words = shlex.split(command)
    assert words[:1] == ["inventory-as-code"], f"not a command of the tool: {spec}"
    return Command(project, tuple(words[1:]), exit_code)


# Each distinct command runs once, and each scenario's store is applied once, per worker.
OUTPUTS: dict[Command, tuple[int, str]] = {}
STORES: dict[str, Path] = {}


def run(command: Command, work: Path) -> tuple[int, str]:
    if command in OUTPUTS:
        return OUTPUTS[command]
    source = REPO / command.project
    folder = work / "project"
    if (source / "project").is_dir():
        shutil.copytree(source / "project", folder)
        if (source / "store").is_dir():
            if command.project not in STORES:
                store = shutil.copytree(source / "store", work / "store")
                STORES[command.project] = applied(Path(store)) / LOCAL_DIR
            shutil.copytree(STORES[command.project], folder / LOCAL_DIR)
    else:
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(LOCAL_DIR))
    env = {key: value or None for key, value in BASE_ENV.items()}
    cwd = Path.cwd()
    os.chdir(folder)  # paths in the output are then the project's own
    try:
        result = CliRunner().invoke(main, list(command.args), env=env)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    OUTPUTS[command] = (result.exit_code, result.output)
    return OUTPUTS[command]


def normalised(text: str) -> str:
    return "".join(TIMING.sub("0.0 s", line).rstrip() + "\n" for line in text.splitlines())


def matches(expected: str, actual: str) -> bool:
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line) + "\n"
        for line in expected.splitlines()
    )
    return re.fullmatch(pattern, actual) is not None


@pytest.mark.parametrize("block", MARKED, ids=lambda b: b.where)
def test_the_quoted_output_is_what_the_command_prints(
    block: Block, tmp_path_factory: pytest.TempPathFactory
) -> None:
    command = parse(block.spec)
    code, printed = run(command, tmp_path_factory.mktemp("docs"))
    actual = normalised(printed)
    assert code == command.exit_code, f"{block.where}: exit {code}\n{printed}"
    if matches(normalised(block.text), actual):
        return
    if UPDATE and not any(line.strip() == "..." for line in block.text.splitlines()):
        rewrite(block, actual)
        return
    raise AssertionError(
        f"{block.where}: the docs quote\n{block.text}\nbut `{block.spec}` prints\n{actual}"
        "(UPDATE_DOC_FIXTURES=1 rewrites blocks without `...`; review the diff.)"
    )


def rewrite(block: Block, actual: str) -> None:
    # Found again by its marker and text: rewrites before it may have moved its lines.
    (now,) = [
        b
        for b in blocks(block.doc)
        if (b.kind, b.spec, b.text) == (block.kind, block.spec, block.text)
    ]
    lines = block.doc.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i in range(now.line, len(lines)) if FENCE.match(lines[i]))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "```")
    indent = FENCE.match(lines[start]).group(1)  # type: ignore[union-attr]
    body = [indent + line if line.strip() else "\n" for line in actual.splitlines(keepends=True)]
    block.doc.write_text("".join(lines[: start + 1] + body + lines[end:]), encoding="utf-8")
