"""The event builder reads what PyYAML's own composer and constructor read.

``EventBuilder`` handles the common events inline (a fast path) and the rare
ones through the general code; both must give the values PyYAML's safe loader
gives (YAML 1.1 resolution: yes/no/on/off booleans, 0x/0o/base-60 integers,
``.inf``, ``~``...) and the positions of PyYAML's nodes. These documents are
generated in block and flow style, with plain, quoted, tagged and anchored
scalars, so every branch of the fast path is compared with the reference.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.constructor import SafeConstructor

from inventory_as_code.config.document import Marks
from inventory_as_code.config.problems import ProblemCollector
from inventory_as_code.config.yamlevents import EventBuilder

# Plain scalars picked to hit every implicit resolver and the text around them.
PLAIN = st.sampled_from(
    [
        "0", "7", "42", "00", "010", "0x1F", "0o17", "0b101", "1_000", "+5", "-3", "1:30",
        "190:20:30", "3.25", "-0.5", "1e3", "6.8523015e+5", ".inf", "-.Inf", ".NaN", ".5",
        "1.", "yes", "No", "ON", "off", "true", "False", "y", "n", "~", "null", "Null",
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "tee", "Main warehouse", "S/Black",
        "=", "0.", "1__2", "12abc", "\u0663", "\uff11\uff12", "nan", "Yes please", "o", "tea-01",
    ]
)  # fmt: skip
QUOTED = PLAIN.map(lambda text: f'"{text}"') | PLAIN.map(lambda text: f"'{text}'")
TAGGED = st.sampled_from(["!!str 12", "!!int 12", "!!float 1.5", "!!bool yes", "!!null ''"])
SCALARS = PLAIN | QUOTED | TAGGED
KEYS = st.sampled_from(["a", "b", "Yes", "1", "0x10", "~", "name", "stock", "1.5", "'q'"])


def _flow(node: Any) -> str:
    if isinstance(node, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flow(v) for v in node) + "]"
    return str(node)


def _block(node: Any, indent: int, flow: bool) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)) and value and not flow:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(value, indent + 2, flow))
            else:
                lines.append(f"{pad}{key}: {_flow(value)}")
    else:
        for value in node:
            if isinstance(value, (dict, list)) and value and not flow:
                lines.append(f"{pad}-")
                lines.extend(_block(value, indent + 2, flow))
            else:
                lines.append(f"{pad}- {_flow(value)}")
    return lines


TREES = st.recursive(
    SCALARS,
    lambda inner: st.dictionaries(KEYS, inner, max_size=4) | st.lists(inner, max_size=4),
    max_leaves=25,
)
DOCUMENTS = st.tuples(st.dictionaries(KEYS, TREES, min_size=1, max_size=5), st.booleans())


def _reference(node: yaml.Node, marks: dict[int, dict[Any, Any]]) -> tuple[Any, Any]:
    """(value, raw) as EventBuilder promises them, from PyYAML's node graph."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:str":
            return node.value, None
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"):
            return node.value, node.value  # dates (and "=") stay text in this format
        return SafeConstructor().construct_object(node), node.value
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        entries: dict[Any, Any] = {}
        for index, child in enumerate(node.value):
            value, raw = _reference(child, marks)
            items.append(value)
            line, column = child.start_mark.line + 1, child.start_mark.column + 1
            entries[index] = (line, column, line, column, raw)
        marks[id(items)] = entries
        return items, None
    mapping: dict[str, Any] = {}
    entries = {}
    for key_node, child in node.value:
        value, raw = _reference(child, marks)
        mapping[key_node.value] = value
        entries[key_node.value] = (
            key_node.start_mark.line + 1,
            key_node.start_mark.column + 1,
            child.start_mark.line + 1,
            child.start_mark.column + 1,
            raw,
        )
    marks[id(mapping)] = entries
    return mapping, None


def _same(ours: Any, theirs: Any, our_marks: Marks, their_marks: dict[int, Any]) -> None:
    if isinstance(theirs, float) and math.isnan(theirs):
        assert isinstance(ours, float) and math.isnan(ours)
        return
    assert type(ours) is type(theirs) and (ours == theirs or isinstance(ours, (dict, list)))
    if isinstance(theirs, (dict, list)):
        assert len(ours) == len(theirs)
        our_entries, their_entries = our_marks.table[id(ours)], their_marks[id(theirs)]
        assert list(our_entries) == list(their_entries)
        for slot in their_entries:
            our_entry, their_entry = our_entries[slot], their_entries[slot]
            assert our_entry[:4] == their_entry[:4], slot
            assert our_entry[4] == their_entry[4] or (
                their_entry[4] is not None and "nan" in their_entry[4].lower()
            )
            _same(ours[slot], theirs[slot], our_marks, their_marks)


def _load(text: str) -> tuple[Any, Marks, ProblemCollector]:
    problems = ProblemCollector()
    loader = yaml.CSafeLoader(text)
    try:
        doc = EventBuilder("a.yaml", problems).run(loader)
    finally:
        loader.dispose()
    assert doc is not None
    return doc.data, doc.marks, problems


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_values_and_positions_match_pyyaml(document: tuple[dict[str, Any], bool]) -> None:
    tree, flow = document
    lines = _block(tree, 0, flow)
    text = "\n".join(lines) + "\n"
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return  # not YAML (e.g. a key used twice by PyYAML's standards too): covered elsewhere
    assert node is not None
    their_marks: dict[int, Any] = {}
    keys = [key.value for key, _ in node.value]
    ours, our_marks, problems = _load(text)
    if len(set(keys)) != len(keys):
        assert any("duplicate key" in p.message for p in problems.sorted())
        return
    assert not len(problems), problems.sorted()
    theirs, _ = _reference(node, their_marks)
    _same(ours, theirs, our_marks, their_marks)


def test_anchors_merges_and_tags_take_the_general_path() -> None:
    text = (
        "base: &b {quantity: 5, policy: set}\n"
        "one:\n  <<: *b\n  quantity: 7\n"
        "list: [&x 0x10, *x, !!str 3, <<]\n"
        "top: &t yes\n"
        "again: *t\n"
    )
    data, marks, problems = _load(text)
    assert not len(problems)
    assert data["one"] == {"quantity": 7, "policy": "set"}
    assert data["list"] == [16, 16, "3", "<<"]
    assert data["top"] is True and data["again"] is True
    assert marks.entry(data["one"], "quantity") == (4, 3, 4, 13, "7")
    assert marks.entry(data["one"], "policy") == (1, 24, 1, 32, None)
    assert marks.entry(data["list"], 1) == (5, 17, 5, 17, "0x10")


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="0123456789+-._:eExXoObBaflsNnTtYy~ ", min_size=1, max_size=12)
    | st.from_regex(r"[-+]?0?[0-9]{1,4}([._:][0-9]{0,3})?", fullmatch=True)
)
def test_plain_scalars_resolve_as_pyyaml_resolves_them(text: str) -> None:
    """The inline fast path (short decimal integers, plain words) and the general
    path give the value PyYAML's resolver and safe constructor give."""
    document = f"k: {text}\n"
    try:
        node = yaml.compose(document, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return
    assert node is not None
    [(_, value_node)] = node.value
    if not isinstance(value_node, yaml.ScalarNode):
        return
    ours, marks, problems = _load(document)
    assert not len(problems), problems.sorted()
    expected, raw = _reference(value_node, {})
    _same(ours["k"], expected, marks, {})
    assert marks.raw(ours, "k") == raw
