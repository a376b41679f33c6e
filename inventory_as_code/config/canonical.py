"""The canonical layout of a YAML file (``inventory-as-code fmt``), on libyaml's tokens.

Canonical is defined conservatively (docs/format.md, "fmt"): only whitespace
that carries no meaning changes, and only in these ways:

* block mappings and sequences are indented two spaces per level, a sequence
  under a key too (``key:`` then ``  - a``), and a sequence entry's content
  starts one space after its ``-``;
* the lines of a value written over several lines (a ``|``/``>`` block, a
  quoted or plain scalar, a ``[...]``/``{...}`` collection) move with the
  line they belong to, keeping their indentation relative to it;
* a comment on a line of its own takes the indentation of the line below it
  when it stood at that line's column (it describes it), else keeps its place
  relative to the block it is in;
* no trailing whitespace (except inside a block or a double-quoted scalar, where it
  may be content), ``\\n`` line ends, one newline at the end of the file.

Everything else is kept as written: key order, quotes, flow or block style,
blank lines, anchors, tags, comments' text and their distance from the value
they follow. Only whitespace at the start of a line (and right after a
``-``) moves, so no comment can be lost, and a file already in this layout is
left byte for byte as it is (fmt twice = fmt once).

Why our own, on the C scanner's tokens, rather than ruamel.yaml's round trip:
ruamel re-emits every file through its emitter (its own quoting, line width,
flow-collection spacing and comment placement, which change between its
releases and drop comments inside flow collections), so "canonical" would be
whatever one release of it prints; and it parses in pure Python, where the
loader of this package parses on libyaml (a 20,000-product project in about a
second). Here each token's text stays exactly as written, and
:mod:`~inventory_as_code.config.formatting` still re-reads every file and the
whole project and refuses to write when anything differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

INDENT = 2


class CannotFormat(ValueError):
    """A file this layout does not handle; the message says why, for a person."""


@dataclass(slots=True)
class _Block:
    """An open block mapping or sequence: its column as written and in the canonical layout."""

    kind: str  # "map", "seq", or "iseq" (a sequence written at its key's column)
    old: int
    new: int

    @property
    def delta(self) -> int:
        return self.new - self.old


@dataclass(slots=True)
class _Line:
    """What the canonical layout does with one line of the file."""

    indent: int | None = None  # the new indentation of a line that starts with a token
    first: int = 0  # the column of that token as written
    gaps: list[tuple[int, int]] = field(default_factory=list)  # after a `-`: set to one space
    shift: int | None = None  # a continuation line: moved by this many columns
    keep_tail: bool = False  # trailing whitespace may be content (block or quoted scalar)
    block_content: bool = False  # a line of a | or > block: spaces alone are content too
    stack: tuple[_Block, ...] = ()  # blocks open before the line (for comment lines)


_ZERO_WIDTH = (
    yaml.StreamStartToken,
    yaml.StreamEndToken,
    yaml.BlockEndToken,
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
)
_ZERO_WIDTH_TYPES = frozenset(_ZERO_WIDTH)
_STRUCTURE = (yaml.KeyToken, yaml.ValueToken, yaml.BlockEntryToken)


def canonical(text: str) -> str:
    """``text`` in the canonical layout (module doc); raises :class:`CannotFormat`."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    if any(mark in body for mark in ("\x85", "\u2028", "\u2029")) or "\r" in body.replace(
        "\r\n", ""
    ):
        raise CannotFormat("it has line breaks other than \\n and \\r\\n; fmt leaves it as it is")
    body = body.replace("\r\n", "\n")
    lines = body.split("\n")
    layout = _Layout(lines)
    layout.run(_tokens(body))
    return bom + layout.render()


def _tokens(body: str) -> list[yaml.Token]:
    loader = yaml.CLoader(body)
    try:
        tokens = []
        while True:
            token = loader.get_token()
            if token is None:
                break
            tokens.append(token)
        return tokens
    except yaml.YAMLError as exc:
        raise CannotFormat(f"it is not valid YAML ({exc})") from None
    finally:
        loader.dispose()


class _Layout:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.plan = [_Line() for _ in lines]
        self.stack: list[_Block] = []
        self.child = 0  # the column a block collection starting a line gets
        self.flow = 0  # depth of [ ] and { }
        self.seen = -1  # the last line a token was seen on
        self.covered: set[int] = set()  # lines inside a multi-line token
        self.ends_in_block_scalar = False

    # --- the walk over the tokens ---------------------------------------------------------

    def run(self, tokens: list[yaml.Token]) -> None:
        last_line = len(self.lines) - 1
        for index, token in enumerate(tokens):
            line = min(token.start_mark.line, last_line)  # the end of a file without a newline
            if line > self.seen:
                stack = tuple(self.stack)
                for between in range(self.seen + 1, line + 1):
                    self.plan[between].stack = stack
                self.seen = line
            kind = type(token)
            if kind is not yaml.ScalarToken:  # the most frequent, and no structure
                self._structure(token)
                if kind in _ZERO_WIDTH_TYPES:
                    continue
            self._place(token, tokens[index + 1] if index + 1 < len(tokens) else None)
        last = next((t for t in reversed(tokens) if not isinstance(t, _ZERO_WIDTH)), None)
        self.ends_in_block_scalar = isinstance(last, yaml.ScalarToken) and last.style in ("|", ">")

    def _structure(self, token: yaml.Token) -> None:
        if isinstance(token, (yaml.DocumentStartToken, yaml.DocumentEndToken)):
            self.stack.clear()
            self.child = 0
        elif isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            self.flow += 1
        elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            self.flow -= 1
        elif self.flow:
            return
        elif isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)):
            kind = "map" if isinstance(token, yaml.BlockMappingStartToken) else "seq"
            self.stack.append(_Block(kind, token.start_mark.column, self._new_column(token)))
        elif isinstance(token, yaml.BlockEndToken):
            if self.stack and self.stack[-1].kind == "iseq":
                self.stack.pop()
            if self.stack:
                self.stack.pop()
        elif isinstance(token, (yaml.KeyToken, yaml.ValueToken)):
            if self.stack and self.stack[-1].kind == "iseq":
                self.stack.pop()  # the key after a sequence written at its key's column
            if self.stack:
                self.child = self.stack[-1].new + INDENT
        elif isinstance(token, yaml.BlockEntryToken):
            if self.stack and self.stack[-1].kind == "map":
                # A sequence at its key's column: indented under the key here.
                self.stack.append(_Block("iseq", token.start_mark.column, self._new_column(token)))
            if self.stack:
                self.child = self.stack[-1].new + INDENT

    def _new_column(self, token: yaml.Token) -> int:
        """A block collection starting a line gets the child column; one after a `-` or a
        property on its line starts where the rewritten line puts it."""
        line, column = token.start_mark.line, token.start_mark.column
        if self._starts_line(line, column):
            return self.child
        return self._moved(line, column)

    def _starts_line(self, line: int, column: int) -> bool:
        return line not in self.covered and not self.lines[line][:column].strip()

    def _moved(self, line: int, column: int) -> int:
        """Where a column of a line that starts with a token ends up."""
        plan = self.plan[line]
        if plan.indent is None:
            return column + (plan.shift or 0)
        new = plan.indent + column - plan.first
        for dash, end in plan.gaps:
            if end <= column:
                new -= end - dash - 2  # the gap after the dash becomes one space
        return new

    def _place(self, token: yaml.Token, following: yaml.Token | None) -> None:
        line, column = token.start_mark.line, token.start_mark.column
        plan = self.plan[line]
        if plan.indent is None and self._starts_line(line, column):
            top = self.stack[-1] if self.stack else None
            structural = not self.flow and isinstance(token, _STRUCTURE)
            if top is not None and structural and column == top.old:
                plan.indent = top.new
            else:
                plan.indent = max(column + (top.delta if top else 0), 0)
            plan.first = column
        if type(token) is yaml.BlockEntryToken and not self.flow and following is not None:
            self._gap_after_dash(token, following)
        end = token.end_mark
        if end.line > line:
            last = end.line if end.column else end.line - 1
            self._cover(token, line, min(last, len(self.lines) - 1))

    def _gap_after_dash(self, dash: yaml.Token, following: yaml.Token) -> None:
        # A collection's start token (zero width) stands where its first token does.
        line = dash.start_mark.line
        start = dash.end_mark.column
        if following.start_mark.line != line or isinstance(following, yaml.StreamEndToken):
            return
        end = following.start_mark.column
        if end - start > 1:  # spaces only: libyaml refuses a tab after a `-`
            self.plan[line].gaps.append((start - 1, end))

    def _cover(self, token: yaml.Token, first: int, last: int) -> None:
        """Lines inside a token written over several lines move with its block."""
        delta = self.stack[-1].delta if self.stack else 0
        style = token.style if isinstance(token, yaml.ScalarToken) else None
        block = style in ("|", ">")
        quoted = style == '"'
        # Inside double quotes, spaces before a line break may be escaped (`\ `): kept as
        # written. (In single quotes YAML drops them, as it does in plain text.)
        self.plan[first].keep_tail = quoted
        for line in range(first + 1, last + 1):
            self.covered.add(line)
            plan = self.plan[line]
            plan.shift = delta
            plan.block_content = block
            plan.keep_tail = block or (quoted and line < last)

    # --- writing the lines ----------------------------------------------------------------

    def render(self) -> str:
        out = [self._line(number, text) for number, text in enumerate(self.lines)]
        if self.ends_in_block_scalar:
            return "\n".join(out)  # its trailing lines and last newline may be content
        while out and not out[-1].strip():
            out.pop()
        return "\n".join(out) + "\n" if out else ""

    def _line(self, number: int, text: str) -> str:
        plan = self.plan[number]
        if plan.shift is not None:  # inside a multi-line token
            body = text.lstrip(" ")
            indent = len(text) - len(body)
            if not body.strip() and plan.block_content:
                # Spaces alone in a block scalar: content past its indentation.
                return " " * max(indent + plan.shift, 0)
            moved = " " * max(indent + plan.shift, 0) + body if body.strip() else ""
            return moved if plan.keep_tail else moved.rstrip()
        if plan.indent is not None:
            rest = text[plan.first :]
            for start, end in sorted(plan.gaps, reverse=True):
                rest = rest[: start + 1 - plan.first] + " " + rest[end - plan.first :]
            moved = " " * plan.indent + rest
            return moved if plan.keep_tail else moved.rstrip()
        body = text.strip()
        if not body:
            return ""
        return " " * self._comment_indent(number, len(text) - len(text.lstrip())) + body

    def _comment_indent(self, number: int, column: int) -> int:
        """A comment line: at the next line's indentation when written at its column,
        else where the innermost open block at or left of it puts it."""
        for below in range(number + 1, len(self.lines)):
            plan = self.plan[below]
            if plan.indent is not None:
                if plan.first == column:
                    return plan.indent
                break
            if plan.shift is not None:
                break
        for block in reversed(self.plan[number].stack):
            if block.old <= column:
                return max(block.new + column - block.old, 0)
        return column
