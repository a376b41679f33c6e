"""The error paths the docs list, through the real command, with their exact messages.

docs/format.md ("What validate checks", "Which files are read"), the saved
plan rules of docs/plan-and-apply.md, and "Which store" (README, docs/ci.md:
CI=true without a site). The rules of the YAML itself are the config
package's, tested in process; here each printer that shows them (validate's
text and GitHub annotations, plan's problem lines) runs once over a project
holding every file-level problem at once.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from inventory_as_code.plan.model import checksum
from tests.e2e.cli import REPO, run_cli, write_project

FORMAT_DOC = (REPO / "docs" / "format.md").read_text()
STORE = "locations:\n  Main: {default: true}\n"
BOMB = "products:\n" + "\n".join(
    ["  p0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"  p{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with every problem a file can have, each in a file of its own."""
    root = tmp_path_factory.mktemp("broken")
    p = write_project(
        root / "p",
        {
            "store.yaml": STORE,
            "syntax.yaml": "products: [\n",
            "tabs.yaml": "products:\n\ttee: {}\n",
            "multi.yaml": "products: {}\n---\nprune: {}\n",
            "dupkeys.yaml": "products:\n  a: {name: A}\n  a: {name: B}\n",
            "tags.yaml": "products: !!python/object {}\n",
            "bomb.yaml": BOMB + "\n",
            "deep.yaml": "products: " + "[" * 40 + "]" * 40 + "\n",
            "longnum.yaml": "products: {p: {stock: {Main: 0x" + "f" * 200 + "}}}\n",
        },
    )
    (p / "bin.yaml").write_bytes(b"\x00\x01binary")
    (p / "latin1.yaml").write_bytes(b'products:\n  cafe: {name: "caf\xe9"}\n')
    (p / "out.yaml").symlink_to(REPO / "pyproject.toml")
    (p / "dangling.yaml").symlink_to("nowhere.yaml")
    (p / "loop.yaml").symlink_to("loop.yaml")
    os.mkfifo(p / "fifo.yaml")
    return root


FIX_LINK = (
    "replace the link with the file, or exclude it in inventory-as-code.toml ([project] exclude)."
)
# (where, what, fix) in validate's order: by file.
PROBLEMS = [
    ("p/bin.yaml", "this is a binary file, not YAML text.",
     "remove it from the project folder or rename it so it does not end in .yaml/.yml."),
    ("p/bomb.yaml:7:17", "products.p5[1]: aliases (*name) expand to more than 250,000 values.",
     "write the values out, or share settings through defaults instead of aliases."),
    ("p/dangling.yaml", "is a symlink to nowhere.yaml, which does not exist.", FIX_LINK),
    ("p/deep.yaml:1:42",
     "products" + "[0]" * 31 + ": the document is nested more than 32 levels deep.",
     "this format needs at most 8 levels; check the indentation."),
    ("p/dupkeys.yaml:3:3", 'products.a: duplicate key "a" (first written at line 2).',
     "remove one of them or merge them; YAML would silently keep only the last."),
    ("p/fifo.yaml", "is not a regular file (a FIFO, socket or device); it is not read.",
     "remove it from the project folder, or exclude it in inventory-as-code.toml."),
    ("p/latin1.yaml:2:20", "the file is not UTF-8 text (byte 0xe9).", "save the file as UTF-8."),
    ("p/longnum.yaml:1:30",
     "products.p.stock.Main: this number is 202 characters long; numbers here have at most 100.",
     "use a smaller number, or quote the value if it is text."),
    ("p/loop.yaml", "is a symlink that loops (it leads back to itself).", FIX_LINK),
    ("p/multi.yaml:2:1", "the file holds more than one YAML document (a second ---).",
     "keep one document per file; put the rest in another file of the project."),
    ("p/out.yaml", f"is a symlink to {REPO / 'pyproject.toml'}, outside the project folder; it "
     "is not followed.",
     "move the files into the project folder, or exclude the link in inventory-as-code.toml "
     "([project] exclude)."),
    ("p/syntax.yaml:2:1",
     "YAML syntax error: did not find expected node content (while parsing a flow node).",
     "check the indentation, quotes and colons around this position."),
    ("p/tabs.yaml:2:1", "a tab character is used for indentation; YAML allows only spaces.",
     "replace the tabs with spaces (set your editor to insert spaces)."),
    ("p/tags.yaml:1:11", "products: unsupported YAML tag tag:yaml.org,2002:python/object.",
     "remove the tag."),
]  # fmt: skip


def test_validate_lists_every_file_problem_with_its_fix(broken: Path) -> None:
    ran = run_cli("validate", "p", cwd=broken)
    blocks = "".join(f"{where}: {what}\n    Fix: {fix}\n" for where, what, fix in PROBLEMS)
    assert (ran.code, ran.err) == (1, ""), ran
    assert ran.out == blocks + (
        "p: note: cross-file checks (unknown locations, slugs and SKUs used twice, the default "
        "location, ...) and the checks of each product were skipped, because bin.yaml, "
        "bomb.yaml, deep.yaml, ... (7 in all) could not be read.\n"
        "    Fix: fix the problems above, then validate again.\n\n"
        f"{len(PROBLEMS)} problems in {len(PROBLEMS)} files.\n"
    ), ran


def test_github_annotations_for_the_same_problems(broken: Path) -> None:
    ran = run_cli("validate", "p", "--format", "github", cwd=broken)
    assert ran.code == 1, ran
    lines = ran.out.splitlines()
    assert lines[-1] == f"{len(PROBLEMS)} problems in {len(PROBLEMS)} files.", ran
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == len(PROBLEMS), ran
    assert errors[2] == (
        "::error file=p/dangling.yaml,title=inventory-as-code::is a symlink to nowhere.yaml, "
        f"which does not exist.%0AFix: {FIX_LINK}"
    ), ran
    assert errors[6] == (
        "::error file=p/latin1.yaml,line=2,col=20,title=inventory-as-code::the file is not "
        "UTF-8 text (byte 0xe9).%0AFix: save the file as UTF-8."
    ), ran


def test_plan_stops_on_the_same_problems_before_reading_the_store(broken: Path) -> None:
    ran = run_cli("plan", "p", cwd=broken)
    assert ran.code == 1, ran
    using = "Using the embedded local store (p/.inventory-as-code/local.db); no Wix site is "
    assert ran.out == using + "touched.\n", ran
    assert ran.err == "".join(f"{w}: {what} Fix: {fix}\n" for w, what, fix in PROBLEMS) + (
        f"{len(PROBLEMS)} problem(s) in the YAML; run `inventory-as-code validate`.\n"
    ), ran


def test_the_validate_example_of_the_format_doc_is_what_validate_prints(tmp_path: Path) -> None:
    """docs/format.md shows one problem as validate prints it: the doc and the tool agree."""
    tees = (
        "products:\n  organic-tee:\n    name: Organic Cotton Tee\n    type: physical\n"
        "    options:\n      Size: [S, M, L]\n      Color: [Black, White]\n"
        '    sku: TEE-{Size}-{Color}\n    price: "25.00"\n    stock: {Main: 20}\n'
        '    variants:\n      S/Purple: {price: "22.00"}\n'
    )
    write_project(tmp_path, {"store.yaml": STORE, "products/tees.yaml": tees})
    ran = run_cli("validate", cwd=tmp_path)
    assert ran.code == 1, ran
    assert f"```\n{ran.out}```\n" in FORMAT_DOC, ran


def test_a_folder_without_inventory_files(tmp_path: Path) -> None:
    write_project(tmp_path / "empty", {"README.md": "# not inventory\n"})
    ran = run_cli("validate", "empty", cwd=tmp_path)
    assert (ran.code, ran.err) == (1, ""), ran
    assert ran.out == (
        "empty: no inventory YAML files in empty (hidden folders, node_modules, virtualenvs "
        "and what git ignores are skipped).\n"
        "    Fix: run validate in the folder that holds the project's YAML files, or pass that "
        "folder; inventory-as-code.toml [project] include says which files to read.\n\n"
        "1 problem found.\n"
    ), ran


# --- saved plans (docs/plan-and-apply.md, "Saved plans") -------------------------------------


@pytest.fixture(scope="module")
def plan_body(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A saved plan of a small store, as plan --out writes it."""
    root = tmp_path_factory.mktemp("saved")
    write_project(
        root / "shop",
        {
            "store.yaml": STORE
            + 'products:\n  mug: {name: Mug, price: "3.00", sku: MUG, stock: {Main: 2}}\n'
        },
    )
    ran = run_cli("plan", "shop", "--out", "plan.json", cwd=root)
    assert ran.code == 0, ran
    return json.loads((root / "plan.json").read_text())  # type: ignore[no-any-return]


def sealed(body: dict[str, object]) -> str:
    body = {**body}
    body["checksum"] = checksum(body)
    return json.dumps(body)


@pytest.mark.parametrize(
    ("case", "env", "message"),
    [
        (
            "another format_version",
            {},
            "plan.json: not a saved plan of this version (format_version 2, expected 1); make a "
            "new one with plan --out",
        ),
        (
            "a compressed plan cut short",
            {},
            "plan.json: damaged compressed plan (Compressed file ended before the end-of-stream "
            "marker was reached): it was changed or cut short after it was made. Make a new plan "
            "with plan --out and review it.",
        ),
        (
            "not JSON",
            {},
            "plan.json: not a saved plan: it is not JSON (Expecting value at line 1, column 1). "
            "A saved plan is the file `plan --out FILE` writes.",
        ),
        (
            "unsigned while a key is set",
            {"INVENTORY_AS_CODE_PLAN_KEY": "secret"},
            "plan.json: the plan is not signed, but INVENTORY_AS_CODE_PLAN_KEY is set, so only "
            "signed plans are accepted. Make the plan with the same INVENTORY_AS_CODE_PLAN_KEY "
            "set.",
        ),
        (
            "signed with another key",
            {"INVENTORY_AS_CODE_PLAN_KEY": "secret"},
            "plan.json: bad signature: the plan was changed after it was made, or signed with "
            "another key than the one in INVENTORY_AS_CODE_PLAN_KEY. Make a new plan with plan "
            "--out and review it.",
        ),
        (
            "a member of the wrong type (a fresh checksum)",
            {},
            "plan.json: malformed plan (changes[0].after.options: expected an object of option "
            "-> list of choices, found a list); the tool never writes that. Make a new plan "
            "with plan --out.",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 50 else "",
)
def test_a_saved_plan_that_cannot_be_used_is_refused_exit_4(
    plan_body: dict[str, object], tmp_path: Path, case: str, env: dict[str, str], message: str
) -> None:
    path = tmp_path / "plan.json"
    body = json.loads(json.dumps(plan_body))
    if case == "another format_version":
        path.write_text(sealed({**body, "format_version": 2}))
    elif case == "a compressed plan cut short":
        path.write_bytes(gzip.compress(json.dumps(body).encode())[:-12])
    elif case == "not JSON":
        path.write_text("products: {}\n")
    elif case == "unsigned while a key is set":
        path.write_text(json.dumps(body))
    elif case == "signed with another key":
        path.write_text(json.dumps({**body, "checksum": "hmac-sha256:" + "0" * 64}))
    else:
        body["changes"][0]["after"]["options"] = ["S"]  # type: ignore[index]
        path.write_text(sealed(body))
    ran = run_cli("show", "plan.json", cwd=tmp_path, env=env)
    assert (ran.code, ran.out, ran.err) == (4, "", f"Refused: {message}\n"), ran


# --- which store (README "Pointing it at a real Wix site", docs/ci.md) ------------------------

SITES_TOML = (
    '[sites.production]\napi_key_env = "WIX_PROD_API_KEY"\nsite_id_env = "WIX_PROD_SITE_ID"\n'
)


@pytest.mark.parametrize(
    ("words", "env", "message"),
    [
        (
            ("plan", "shop"),
            {"CI": "true"},
            "no Wix site chosen and CI=true: refusing to use the embedded local store in CI. "
            "Set WIX_API_KEY and WIX_SITE_ID, pass --site NAME, or pass --site local explicitly.",
        ),
        (
            ("status", "shop", "--site", "prod"),
            {},
            "unknown site 'prod'; did you mean 'production'? inventory-as-code.toml defines "
            "production. Add [sites.prod] "
            "there, or use --site local for the embedded local store.",
        ),
        (
            ("apply", "shop", "--site", "production"),
            {"WIX_PROD_API_KEY": "k"},
            "site 'production': set WIX_PROD_SITE_ID (an API key from the Wix API Keys Manager "
            "and the site's id)",
        ),
        (
            ("plan", "shop"),
            {"WIX_API_KEY": "k"},
            "WIX_API_KEY is set, so the site comes from the environment, but WIX_SITE_ID is not: "
            "set both (an API key from the Wix API Keys Manager and the site's id), or neither "
            "to use the embedded local store.",
        ),
    ],
    ids=["CI without a site", "an unknown site", "a site without its id", "a key without a site"],
)
def test_a_store_that_cannot_be_chosen_exits_1_before_anything(
    tmp_path: Path, words: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    write_project(tmp_path / "shop", {"store.yaml": STORE, "inventory-as-code.toml": SITES_TOML})
    ran = run_cli(*words, cwd=tmp_path, env=env)
    assert (ran.code, ran.out, ran.err) == (1, "", f"Error: {message}\n"), ran
    assert not (tmp_path / "shop" / ".inventory-as-code").exists()
