"""The canonical layout of `fmt` (config/canonical.py): what changes, what never does."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inventory_as_code.config.canonical import CannotFormat, canonical
from inventory_as_code.config.formatting import _events

CASES = {
    "four spaces become two, comments move with their lines": (
        """\
        products:
            tee:   # the slug
                name: Tee
                # the sizes
                options: {Size: [S, M]}
            mug:
                name: Mug
        """,
        """\
        products:
          tee:   # the slug
            name: Tee
            # the sizes
            options: {Size: [S, M]}
          mug:
            name: Mug
        """,
    ),
    "a sequence under its key is indented, one space after the dash": (
        """\
        moved:
        - product: {from: a, to: b}
        -   location:
              from: Outlet HH
              to: Outlet Hamburg
        """,
        """\
        moved:
          - product: {from: a, to: b}
          - location:
              from: Outlet HH
              to: Outlet Hamburg
        """,
    ),
    "trailing whitespace, CRLF and missing or extra final newlines": (
        "locations:  \r\n  Main: {default: true}\t\r\n\r\n\r\n",
        "locations:\n  Main: {default: true}\n",
    ),
    "a multi-line value moves with its key and keeps its inner layout": (
        """\
        products:
            tee:
                options: {Size: [S, M,
                                 L]}
                name: "Organic
                  Tee"
        """,
        """\
        products:
          tee:
            options: {Size: [S, M,
                             L]}
            name: "Organic
              Tee"
        """,
    ),
    "a block scalar keeps its content, trailing spaces and blank lines included": (
        "defaults:\n    stock:\n        preorder:\n            message: |\n"
        "                Back soon   \n                \n                  - order now\n",
        "defaults:\n  stock:\n    preorder:\n      message: |\n"
        "          Back soon   \n          \n            - order now\n",
    ),
    "a comment off every column keeps its place relative to its block": (
        """\
        products:
            tee:
                name: Tee
                    # an aside
            mug: {}
        """,
        """\
        products:
          tee:
            name: Tee
                # an aside
          mug: {}
        """,
    ),
    "nested sequences and an entry whose mapping starts below its dash": (
        """\
        a:
            -   - x
                - y
            -
                k: v
        """,
        """\
        a:
          - - x
            - y
          -
            k: v
        """,
    ),
    "single quotes over several lines: spaces before a break go, as YAML folds them": (
        # Unlike double quotes, single quotes cannot escape a space (`\\ `): the spaces at
        # a line's end are not content, and fmt removes them as in plain text.
        "a:\n    b: 'one   \n       two  '\n",
        "a:\n  b: 'one\n     two  '\n",
    ),
    "a BOM, anchors, merge keys, document markers and quotes stay": (
        "\ufeff---\ndefaults: &d\n    price: '1.00'\nproducts:\n    tee:\n        <<: *d\n...\n",
        "\ufeff---\ndefaults: &d\n  price: '1.00'\nproducts:\n  tee:\n    <<: *d\n...\n",
    ),
}


@pytest.mark.parametrize(("before", "after"), CASES.values(), ids=CASES.keys())
def test_the_canonical_layout(before: str, after: str) -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    assert canonical(before) == after
    assert canonical(after) == after
    assert _events(after) == _events(before)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "a: |+\n  kept\n\n\n",  # trailing lines are content of a keep block
        "a: |\n  no newline at the end",  # adding one would change the value
        "locations:\n  Main: {default: true}\n",
    ],
)
def test_a_file_already_canonical_is_left_byte_for_byte(text: str) -> None:
    assert canonical(text) == text


def test_an_escaped_space_at_a_line_end_inside_quotes_is_kept() -> None:
    text = 'a:\n    b: "one\\ \n       two"\n'
    formatted = canonical(text)
    assert '"one\\ \n' in formatted
    assert yaml.safe_load(formatted) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [("a:\r  b: 1\r", "line breaks other than"), ("a:\n  -\tx\n", "not valid YAML")],
)
def test_what_it_does_not_handle_is_refused_not_guessed(text: str, why: str) -> None:
    with pytest.raises(CannotFormat, match=why):
        canonical(text)


# --- any YAML: the meaning and the comments stay, and twice is once ------------------------

NAMES = st.text(alphabet="abcXYZ -_/é", min_size=1, max_size=8).map(str.strip).filter(bool)


def documents(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, object]]:
    scalars = st.one_of(st.integers(-5, 500), st.booleans(), st.none(), text)
    data = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, min_size=1, max_size=4)
        ),
        max_leaves=25,
    )
    return st.dictionaries(NAMES, data, min_size=1, max_size=4)


ONE_LINE = st.text(alphabet="ab c:#-'\"", max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=documents(ONE_LINE),
    indent=st.integers(2, 6),
    flow=st.sampled_from([False, None]),
    comment_every=st.integers(2, 5),
    trailing=st.booleans(),
)
def test_any_document_keeps_its_meaning_and_comments_and_formats_once(
    data: dict[str, object], indent: int, flow: bool | None, comment_every: int, trailing: bool
) -> None:
    dumped = yaml.safe_dump(data, indent=indent, default_flow_style=flow, allow_unicode=True)
    lines = dumped.split("\n")
    # Comments of their own, at the column of the line below and one column off it.
    for number in range(len(lines) - 1, 0, -comment_every):
        line = lines[number]
        column = len(line) - len(line.lstrip()) + (number % 2)
        lines.insert(number, " " * column + f"# note {number}")
    text = "\n".join(line + ("  " if trailing else "") for line in lines)
    try:
        meaning = _events(text)
    except yaml.YAMLError:
        assume(False)  # a comment inserted where YAML allows none (between a key and ":")
    formatted = canonical(text)
    assert _events(formatted) == meaning
    assert canonical(formatted) == formatted
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("# note")]
    assert [
        line.strip() for line in formatted.splitlines() if line.strip().startswith("# note")
    ] == comments
    assert not any(line != line.rstrip() for line in formatted.splitlines() if "# note" in line)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=documents(st.text(alphabet="ab \n\t:", max_size=30)),
    indent=st.integers(2, 6),
    style=st.sampled_from([None, "|", ">", '"', "'"]),
)
def test_values_over_several_lines_keep_their_meaning_in_every_style(
    data: dict[str, object], indent: int, style: str | None
) -> None:
    text = yaml.safe_dump(data, indent=indent, default_style=style, width=20)
    formatted = canonical(text)
    assert _events(formatted) == _events(text)
    assert canonical(formatted) == formatted
