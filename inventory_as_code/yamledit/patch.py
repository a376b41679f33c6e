"""Setting values in a YAML file's text, and nothing else.

A :data:`~.render.Patch` names the keys to set, nested as in the file. Each
leaf that exists is replaced in place (only its text, its quoting kept); a
key that does not exist is added to the deepest mapping that does, in that
mapping's style: ``, key: value`` before the ``}`` of a flow mapping, a new
line at the indentation of its siblings in a block mapping (after the
mapping's last line, so a comment at the end of that line stays there). A
scalar that stands for a mapping (the format's shorthands: ``Main: 20`` means
``{quantity: 20}``; an empty value means ``{}``) is rewritten as a flow
mapping holding its old meaning and the new keys, and folded back to the
shorthand when nothing but the shorthand's own key remains.

Nothing is edited through an alias or inside an anchor that an alias repeats:
:func:`refusal` says why before anything is written, so a caller can leave
that value out and make the other edits. Every other byte of the file stays
as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from inventory_as_code.yamledit.render import (
    Layout,
    Patch,
    Scalar,
    block_entries,
    flow_text,
    key_text,
    scalar_text,
)
from inventory_as_code.yamledit.tree import ALIAS, MAPPING, SCALAR, Node, Tree

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """What a format's scalars stand for where a mapping could be written.

    ``expand(path, node)``: the mapping a scalar at ``path`` means (``{}`` for an
    empty value), or None when it cannot be one. ``fold(path, mapping,
    was_scalar)``: the scalar to write instead of ``mapping`` at ``path``, or None.
    """

    expand: Callable[[Path, Node], Patch | None]
    fold: Callable[[Path, Patch, bool], Scalar | None]


NO_RULES = Rules(
    expand=lambda _path, node: {} if node.is_null else None,
    fold=lambda _path, _mapping, _was: None,
)


class PatchError(Exception):
    """A patch that :func:`refusal` would have refused (a caller's mistake)."""


def refusal(tree: Tree, path: Sequence[str], rules: Rules = NO_RULES) -> str | None:
    """Why the value at ``path`` cannot be set in this file; None when it can."""
    node = tree.root
    if node is None or node.kind != MAPPING:
        return "the file's top level is not a mapping"
    for depth, key in enumerate(path):
        shared = tree.shared(node)
        if shared is not None:
            return shared
        child = node.child(key)
        if child is None:
            return None  # created from here on
        shared = tree.shared(child)
        if shared is not None:
            return shared
        last = depth == len(path) - 1
        if last:
            if child.kind != SCALAR:
                return f"{key} is written as a {child.kind} here, not as one value"
            if child.style in ("|", ">"):
                return f"{key} is written as a block scalar ({child.style}); edit it by hand"
            return None
        if child.kind == MAPPING:
            node = child
            continue
        if child.kind == SCALAR and rules.expand(tuple(path[: depth + 1]), child) is not None:
            return None
        return f"{key} is written as a {child.kind} here, not as a mapping"
    return None


def apply_patch(tree: Tree, patch: Patch, rules: Rules = NO_RULES) -> str:
    """The file's text with ``patch`` set (every path of it must pass :func:`refusal`)."""
    if tree.root is None or tree.root.kind != MAPPING:
        raise PatchError("the file's top level is not a mapping")
    editor = _Editor(tree, rules)
    editor.mapping(tree.root, (), patch, 0)
    return editor.result()


def layout_of(tree: Tree) -> Layout:
    """The file's indentation step (from its first nested block mapping) and quote."""
    step = 2
    for node in _walk(tree.root):
        parent = node.parent
        if (
            node.kind == MAPPING
            and not node.flow
            and node.items
            and parent is not None
            and parent.kind == MAPPING
            and not parent.flow
            and parent.items
        ):
            difference = node.items[0][0].column - parent.items[0][0].column
            if difference > 0:
                step = difference
                break
    quotes = Counter(n.style for n in tree.scalars.values() if n.style in ('"', "'"))
    quote = "'" if quotes["'"] > quotes['"'] else '"'
    return Layout(step, quote)


def _walk(node: Node | None) -> list[Node]:
    found: list[Node] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(value for _, value in reversed(current.items))
        stack.extend(reversed(current.entries))
    return found


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


class _Editor:
    def __init__(self, tree: Tree, rules: Rules) -> None:
        self.tree = tree
        self.text = tree.text
        self.rules = rules
        self.layout = layout_of(tree)
        self.newline = newline_of(tree.text)
        # (start, end, order, text): inserts at one place go deepest first
        self.edits: list[tuple[int, int, int, str]] = []

    def result(self) -> str:
        out: list[str] = []
        cursor = 0
        for start, end, _, text in sorted(self.edits):
            if start < cursor:
                raise PatchError("two edits overlap")
            out.append(self.text[cursor:start])
            out.append(text)
            cursor = end
        out.append(self.text[cursor:])
        return "".join(out)

    def mapping(self, node: Node, path: Path, patch: Patch, depth: int) -> None:
        if self.tree.shared(node) is not None:
            raise PatchError(f"{'.'.join(path)}: {self.tree.shared(node)}")
        new: Patch = {}
        for key, value in patch.items():
            child = node.child(key)
            here = (*path, key)
            if child is None:
                new[key] = self._folded(here, value)
            elif child.kind == ALIAS or self.tree.shared(child) is not None:
                raise PatchError(f"{'.'.join(here)}: behind an alias")
            elif isinstance(value, Scalar):
                self._replace_scalar(child, value, here)
            elif child.kind == MAPPING:
                self.mapping(child, here, value, depth + 1)
            else:
                self._expand(child, here, value)
        if new:
            self._insert(node, path, new, depth)

    def _folded(self, path: Path, value: Patch | Scalar) -> Patch | Scalar:
        """A new value with the format's shorthands where they apply (``Main: 20``)."""
        if isinstance(value, Scalar):
            return value
        inner: Patch = {k: self._folded((*path, k), v) for k, v in value.items()}
        return self.rules.fold(path, inner, False) or inner

    def _replace_scalar(self, node: Node, value: Scalar, path: Path) -> None:
        if node.kind != SCALAR or node.style in ("|", ">"):
            raise PatchError(f"{'.'.join(path)}: not a plain or quoted value")
        start = self.tree.text_start(node)
        if start == node.end:  # an empty value: ``key:`` with nothing after the colon
            self.edits.append((start, start, 0, " " + scalar_text(value, flow=self._in_flow(node))))
            return
        style = node.style if node.style in ('"', "'") else ""
        text = scalar_text(value, flow=self._in_flow(node), style=style)
        self.edits.append(self._aligned(start, node.end, text))

    def _aligned(self, start: int, end: int, text: str) -> tuple[int, int, int, str]:
        """Replace ``start:end`` by ``text``, keeping a comment after it in its column."""
        line_end = self.text.find("\n", end)
        rest = self.text[end : len(self.text) if line_end == -1 else line_end]
        spaces = len(rest) - len(rest.lstrip(" "))
        if not spaces or not rest[spaces:].startswith("#") or "\n" in self.text[start:end]:
            return (start, end, 0, text)
        keep = max(1, spaces - (len(text) - (end - start)))
        return (start, end + spaces, 0, text + " " * keep)

    def _expand(self, node: Node, path: Path, patch: Patch) -> None:
        meaning = self.rules.expand(path, node) if node.kind == SCALAR else None
        if meaning is None:
            raise PatchError(f"{'.'.join(path)}: written as one value, not a mapping")
        merged = _merged(meaning, patch)
        folded = self.rules.fold(path, merged, True)
        if folded is not None:
            self._replace_scalar(node, folded, path)
            return
        inner: Patch = {k: self._folded((*path, k), v) for k, v in merged.items()}
        text = flow_text(inner, self.layout)
        start = self.tree.text_start(node)
        if start == node.end:
            self.edits.append((start, start, 0, " " + text))
        else:
            self.edits.append(self._aligned(start, node.end, text))

    def _in_flow(self, node: Node) -> bool:
        parent = node.parent
        return parent is not None and parent.flow

    def _insert(self, node: Node, path: Path, new: Patch, depth: int) -> None:
        if node.flow:
            entries = ", ".join(
                f"{key_text(k, flow=True, quote=self.layout.quote)}: {flow_text(v, self.layout)}"
                for k, v in new.items()
            )
            if node.items:
                at = node.items[-1][1].content_end
                self.edits.append((at, at, -depth, ", " + entries))
            else:
                at = self.text.rindex("}", node.start, node.end)
                self.edits.append((at, at, -depth, entries))
            return
        indent = node.items[0][0].column - 1 if node.items else 0
        siblings = [value for _, value in node.items if value.kind == MAPPING]
        flow_siblings = siblings[0].flow if siblings else None
        text = block_entries(
            new, indent, self.layout, flow_siblings=flow_siblings, newline=self.newline
        )
        at, prefix = self._line_after(node.content_end)
        self.edits.append((at, at, -depth, prefix + text))

    def _line_after(self, index: int) -> tuple[int, str]:
        """Where a new line goes after the line holding ``index`` (and a newline to add first
        when that line is the file's last and has none)."""
        text = self.text
        if index > 0 and text[index - 1] == "\n":
            return index, ""  # a block scalar ends after its own line break
        found = text.find("\n", index)
        if found == -1:
            return len(text), self.newline
        return found + 1, ""


def _merged(base: Patch, patch: Patch) -> Patch:
    out: Patch = dict(base)
    for key, value in patch.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merged(old, value)
        else:
            out[key] = value
    return out


def append_block(tree: Tree, key: str, block: str) -> str:
    """The text with ``block`` (block-style entries written from column 0, one per line)
    added at the end of the top-level mapping ``key``, or under a new ``key:`` at the end
    of the file. Raises :class:`PatchError` when ``key`` is not a block mapping."""
    root = tree.root
    if root is None or root.kind != MAPPING or root.flow:
        raise PatchError("the file's top level is not a block mapping")
    layout = layout_of(tree)
    newline = newline_of(tree.text)
    node = root.child(key)
    editor = _Editor(tree, NO_RULES)
    if node is None:
        indent = layout.step
        lines = [f"{key_text(key, flow=False)}:"]
        at, prefix = editor._line_after(root.content_end)
    elif node.kind == MAPPING and not node.flow and node.items:
        if tree.shared(node) is not None:
            raise PatchError(f"{key}: {tree.shared(node)}")
        indent = node.items[0][0].column - 1
        lines = []
        at, prefix = editor._line_after(node.content_end)
    else:
        raise PatchError(f"{key} is not a block mapping in this file")
    pad = " " * indent
    lines += [pad + line if line else line for line in block.splitlines()]
    text = prefix + newline.join(lines) + newline
    return tree.text[:at] + text + tree.text[at:]
