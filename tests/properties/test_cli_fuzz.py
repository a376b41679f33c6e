"""The command line under generated YAML edits and flags never crashes (issue 18, section 1).

Each example starts from one applied store (its embedded local store copied,
so apply may write), makes a few generated edits to the project (renames,
case changes, removed names, values of the wrong type, odd unicode, huge
numbers, moved: entries, duplicate SKUs, deleted, emptied and binary files,
a folder named like a YAML file, odd settings), and runs one of validate,
plan, apply and show with generated flags. Whatever the input, the command
must end with an exit code its docs list, and no output may hold a traceback
or the "internal error" paragraph of the last net in cli/__init__.py.

Most examples run in process (CliRunner: the same code, ten times faster);
a few run the installed command in a subprocess. Derandomized, with a fixed
number of examples, so CI sees the same inputs every run.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_as_code.cli import main
from inventory_as_code.plan.model import checksum
from tests.e2e.cli import BASE_ENV, CRASH_MARKERS, applied, run_cli, write_project

# The exit codes each command documents (2: click's usage errors, and plan's changes).
DOCUMENTED = {
    "validate": {0, 1, 2},
    "plan": {0, 1, 2, 4},
    "apply": {0, 1, 2, 3, 4},
    "show": {0, 2, 4},
}
BASE = {
    "store.yaml": {
        "locations": {
            "Shop": {"default": True},
            "Outlet": {
                "address": {"street": "Ring 1", "city": "Hamburg", "country": "DE"},
                "time_zone": "Europe/Berlin",
            },
        },
        "defaults": {"stock": {"policy": "set"}},
    },
    "products/mugs.yaml": {
        "products": {
            "mug": {"name": "Mug", "price": "9.50", "sku": "MUG", "stock": {"Shop": 8}},
            "cup": {"name": "Cup", "price": "4.00", "sku": "CUP", "stock": {"Outlet": True}},
        }
    },
    "products/tees.yaml": {
        "products": {
            "tee": {
                "name": "Tee",
                "price": "20.00",
                "options": {"Size": ["S", "M"], "Color": ["Black", "Whole bean"]},
                "sku": "TEE-{Size}-{Color}",
                "stock": {"Shop": 10, "Outlet": {"quantity": 2, "policy": "at_least"}},
            }
        }
    },
}
PRODUCT_FILES = {
    "mug": "products/mugs.yaml",
    "cup": "products/mugs.yaml",
    "tee": "products/tees.yaml",
}

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "Mug\u202e",  # a bidi override
        "M\u200bug",  # a zero-width space
        "\x1b[2J",
        "Cafe\u0301",  # decomposed
        "mug",
        "MUG",
        "Whole Bean",
        "black",
        "☕" * 60,
        "a" * 200,
        "0x" + "f" * 150,
        "1e400",
        "-0",
        "1:59:59:59",
        "!!binary",
        "products",
        "Shop",
        "Outlet",
        "tee",
        "new-slug",
        "Ünïcode-slug",
        "{Size}",
        "TEE-{Nope}",
    ]
)
VALUES: st.SearchStrategy[Any] = st.one_of(
    ODD_TEXT,
    st.text(max_size=12),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, 1, 99999, 100000, -1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(ODD_TEXT, max_size=3),
    st.dictionaries(ODD_TEXT, st.one_of(ODD_TEXT, st.integers(0, 10), st.booleans()), max_size=3),
)
PRODUCT_KEYS = st.sampled_from(
    ["name", "price", "sku", "type", "visible", "options", "stock", "variants",
     "compare_at_price", "exclude", "combinations", "nonsense"]
)  # fmt: skip

Files = dict[str, Any]  # name -> a document (dumped as YAML), bytes, or None (a folder)
Edit = Callable[[Files], None]


def _products(files: Files, slug: str) -> dict[str, Any] | None:
    document = files.get(PRODUCT_FILES[slug])
    if isinstance(document, dict) and isinstance(document.get("products"), dict):
        products: dict[str, Any] = document["products"]
        return products
    return None


MOVED = [
    {"product": {"from": "mug", "to": "TEXT"}},
    {"product": {"from": "cup", "to": "mug"}},
    {"location": {"from": "Outlet", "to": "TEXT"}},
    {"option": {"product": "tee", "from": "Size", "to": "TEXT"}},
    {"choice": {"product": "tee", "option": "Color", "from": "Black", "to": "TEXT"}},
    {"choice": {"product": "tee", "option": "Size", "from": "S", "to": "M"}},
    {"nonsense": "TEXT"},
]
FILE_NAMES = ["store.yaml", "products/mugs.yaml", "extra.yaml", "sub/x.yml", "x.YAML"]
# bytes are written as they are, None makes a folder of that name, "delete" removes the file
FILE_CONTENTS = [
    b"", b"\x00\xff\xfe", b"{{{", b"\t- x\n", b"products: [\n", b"# only a comment\n",
    b"a: 1\n---\nb: 2\n", b"products: {x: *nope}\n", None, "delete",
]  # fmt: skip
TOMLS = [
    b"[sites\n", b"\xff", b"sites = 3\n",
    b'[sites.x]\napi_key_env = "HOME"\nsite_id_env = "HOME"\nbase_url = 5\n',
    b'[sites.x]\napi_key_env = "HOME"\nsite_id_env = "HOME"\nrequests_per_minute = -1\n',
    b"[guard_rails]\nmax_deletes = -1\n", b'[project]\ninclude = ["../x"]\n',
    b"[guard_rails]\nmax_touched_share = 0.0\n", None,
]  # fmt: skip
KINDS = ["set", "drop", "rename", "case", "moved", "sku", "file", "location", "prune", "toml"]


@st.composite
def edits(draw: st.DrawFn) -> Edit:
    """One edit a user (or a bad merge) might make to the project."""
    kind = draw(st.sampled_from(KINDS))
    slug = draw(st.sampled_from(sorted(PRODUCT_FILES)))
    key = draw(PRODUCT_KEYS)
    value = draw(VALUES)
    text = draw(ODD_TEXT)
    moved = json.loads(json.dumps(draw(st.sampled_from(MOVED))).replace('"TEXT"', json.dumps(text)))
    file_name = draw(st.sampled_from(FILE_NAMES))
    content = draw(st.sampled_from(FILE_CONTENTS))
    toml = draw(st.sampled_from(TOMLS))

    def edit(files: Files) -> None:
        products = _products(files, slug)
        product = products.get(slug) if products is not None else None
        store = files.get("store.yaml")
        if kind == "set" and isinstance(product, dict):
            product[key] = value
        elif kind == "drop" and isinstance(product, dict):
            product.pop(key, None)
        elif kind == "rename" and products is not None and slug in products:
            products[text] = products.pop(slug)
        elif kind == "case" and isinstance(product, dict):
            for choices in (product.get("options") or {}).values():
                if isinstance(choices, list) and choices:
                    choices[0] = str(choices[0]).swapcase()
        elif kind == "moved":
            document = files.setdefault("moves.yaml", {"moved": []})
            if isinstance(document, dict) and isinstance(document.get("moved"), list):
                document["moved"].append(moved)
        elif kind == "sku" and isinstance(product, dict):
            product["sku"] = "MUG"  # the mug's, live and in the YAML
        elif kind == "file":
            files[file_name] = content
        elif kind == "location" and isinstance(store, dict):
            if isinstance(store.get("locations"), dict):
                store["locations"][text] = value if isinstance(value, dict) else {}
        elif kind == "prune" and isinstance(store, dict):
            store["prune"] = {"products": True, "variants": True, "inventory": True}
        elif kind == "toml":
            files["inventory-as-code.toml"] = toml

    return edit


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command and flags, some of them conflicting; PROJECT and PLAN stand for paths."""
    command = draw(st.sampled_from(["plan", "apply", "validate", "plan", "show", "apply"]))
    target = draw(
        st.sampled_from(['product["mug"]', 'product["nope"]', "", "mug", 'location["Shop"]'])
    )
    options = {
        "validate": [["--format", draw(st.sampled_from(["text", "github", "json"]))], ["--strict"]],
        "plan": [
            ["--format", draw(st.sampled_from(["text", "json", "markdown", "xml"]))],
            ["--detailed"],
            ["--detailed-exitcode"],
            ["--max-length", draw(st.sampled_from(["1000", "5", "99999999999"]))],
            ["--target", target],
            ["--refresh", draw(st.sampled_from(["full", "incremental"]))],
            [
                "--out",
                draw(
                    st.sampled_from(
                        [
                            "OUT/plan.json",
                            "OUT/plan.json.gz",
                            "PROJECT/store.yaml",
                            "OUT/none/p.json",
                        ]
                    )
                ),
            ],
            ["--changed-since", "HEAD"],
            ["--site", draw(st.sampled_from(["x", "local", "nope"]))],
        ],
        "apply": [
            ["--auto-approve"],
            ["--auto-approve"],
            ["--force"],
            ["--all-or-nothing"],
            ["--no-verify"],
            ["--target", target],
            [
                "--report-json",
                draw(st.sampled_from(["OUT/r.json", "PROJECT/store.yaml", "OUT/none/r.json"])),
            ],
            ["--format", draw(st.sampled_from(["text", "json"]))],
            ["--project", "PROJECT"],
            ["--site", draw(st.sampled_from(["x", "local"]))],
        ],
        "show": [
            ["--format", draw(st.sampled_from(["text", "json", "markdown"]))],
            ["--detailed"],
            ["--max-length", "1000"],
        ],
    }[command]
    chosen = draw(st.lists(st.sampled_from(options), max_size=4))
    source = (
        "PLAN" if command == "show" or (command == "apply" and draw(st.booleans())) else "PROJECT"
    )
    return [command, source, *[word for flag in chosen for word in flag]]


# (JSON path, value) set in the saved plan, with a fresh checksum, as an attacker would.
PLAN_EDITS = st.sampled_from(
    [
        None,
        (("changes", 0, "after"), []),
        (("changes", 0, "keys", "variant"), "S"),
        (("changes", 0, "reason"), [{"file": ["x"], "line": 1}]),
        (("notes", 0, "message"), 5),
        (("metadata", "site_name"), {"a": [1]}),
        (("changes", 0, "after"), {"quantity": "many", "preorder": [1]}),
        (("site",), "another-site"),
    ]
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BASE applied once, and a plan of a price change saved: what every example starts from."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    project = write_project(root / "shop", {name: yaml.safe_dump(d) for name, d in BASE.items()})
    applied(project)
    repriced = json.loads(json.dumps(BASE["products/mugs.yaml"]))
    repriced["products"]["mug"]["price"] = "9.75"
    (project / "products/mugs.yaml").write_text(yaml.safe_dump(repriced))
    words = ["plan", str(project), "--out", str(root / "plan.json")]
    result = CliRunner().invoke(main, words, env=_env())
    assert result.exit_code == 0, result.output
    (project / "products/mugs.yaml").write_text(yaml.safe_dump(BASE["products/mugs.yaml"]))
    return root


def _env() -> dict[str, str | None]:
    return {key: value or None for key, value in BASE_ENV.items()}


def prepare(store: Path, folder: Path, changes: list[Edit], plan_edit: Any) -> None:
    """The example's project (a copy of the applied store, edited) and its saved plan."""
    shutil.copytree(store / "shop", folder / "shop", symlinks=True)
    files: Files = json.loads(json.dumps(BASE))
    files["products/mugs.yaml"]["products"]["mug"]["stock"]["Shop"] = 11  # a change to plan
    for change in changes:
        change(files)
    for name in BASE:
        (folder / "shop" / name).unlink()
    for name, content in files.items():
        path = folder / "shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "delete":
            continue
        if content is None:
            path.mkdir(exist_ok=True)  # a folder named like a file of the project
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(yaml.safe_dump(content, allow_unicode=True))
    data = json.loads((store / "plan.json").read_text())
    if plan_edit is not None:
        path, value = plan_edit
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        data["checksum"] = checksum(data)
    (folder / "plan.json").write_text(json.dumps(data))
    (folder / "out").mkdir()


def words_for(line: list[str], folder: Path) -> list[str]:
    paths = {"PROJECT": folder / "shop", "PLAN": folder / "plan.json", "OUT": folder / "out"}
    out = []
    for word in line:
        head, _, tail = word.partition("/")
        out.append(
            str(paths[head] / tail) if head in paths and tail else str(paths.get(word, word))
        )
    return out


def check(command: str, code: int, output: str, shown: str) -> None:
    assert code in DOCUMENTED[command], f"exit {code} is not documented for {command}:\n{shown}"
    for marker in CRASH_MARKERS:
        assert marker not in output, f"crashed:\n{shown}"


EXAMPLE = (
    st.lists(edits(), min_size=0, max_size=4),
    command_lines(),
    PLAN_EDITS,
)


@settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(*EXAMPLE)
def test_generated_edits_and_flags_never_crash_in_process(
    store: Path, changes: list[Edit], line: list[str], plan_edit: Any
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        prepare(store, folder, changes, plan_edit)
        words = words_for(line, folder)
        # The current folder is a project too (`apply PLAN` without --project): the example's.
        with contextlib.chdir(folder):
            result = CliRunner().invoke(main, words, env=_env())
        shown = f"$ inventory-as-code {' '.join(words)}\nexit {result.exit_code}\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        check(line[0], result.exit_code, result.output, shown)


@settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(*EXAMPLE)
def test_generated_edits_and_flags_never_crash_the_installed_command(
    store: Path, changes: list[Edit], line: list[str], plan_edit: Any
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        prepare(store, folder, changes, plan_edit)
        ran = run_cli(*words_for(line, folder), cwd=folder)  # fails on a traceback itself
        check(line[0], ran.code, ran.output, str(ran))
