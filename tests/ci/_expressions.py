"""GitHub Actions expressions (``if:`` and ``${{ }}``), evaluated as a runner does.

Enough of the language for the example workflows: literals, property paths
(``a.b``, ``a['b']``, ``a[b.c]``), ``!``, ``==``, ``!=``, ``&&``, ``||``,
parentheses, and the functions the recipes call. Like GitHub: a missing
property is null, strings compare case-insensitively, ``&&``/``||`` return an
operand, and a value is falsy when it is false, 0, '', or null. Anything else
(an unknown function, stray syntax) raises, so a workflow never runs on an
expression the test only half understood.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!()\[\],.])"
    r"|(?P<name>[A-Za-z_][\w-]*))"
)

Function = Callable[..., Any]


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"the test cannot read the expression {text!r} at {position}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(
        self, text: str, context: Mapping[str, Any], functions: Mapping[str, Function]
    ) -> None:
        self.tokens = tokenize(text)
        self.at = 0
        self.text = text
        self.context = context
        self.functions = functions

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ValueError(f"the test cannot read the expression {self.text!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        value = self.disjunction()
        if self.peek() is not None:
            raise ValueError(f"the test cannot read the expression {self.text!r}")
        return value

    def disjunction(self) -> Any:
        value = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.conjunction()
            value = value if truthy(value) else right
        return value

    def conjunction(self) -> Any:
        value = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            _, op = self.take()
            right = self.unary()
            value = equal(value, right) == (op == "==")
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if (kind, text) == ("op", "("):
            value = self.disjunction()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if kind != "name":
            raise ValueError(f"the test cannot read the expression {self.text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == ("op", "("):
            return self.call(text)
        if text not in self.context:
            raise KeyError(f"no context {text!r} in the test (expression {self.text!r})")
        return self.properties(self.context[text])

    def call(self, name: str) -> Any:
        if name not in self.functions:
            raise ValueError(f"the test does not know the function {name}()")
        self.take("(")
        args: list[Any] = []
        while self.peek() != ("op", ")"):
            args.append(self.disjunction())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        return self.functions[name](*args)

    def properties(self, value: Any) -> Any:
        while self.peek() in (("op", "."), ("op", "[")):
            _, op = self.take()
            if op == ".":
                key: Any = self.take()[1]
            else:
                key = self.disjunction()
                self.take("]")
            value = value.get(str(key)) if isinstance(value, Mapping) else None
        return value


def truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (False, 0, "", None)


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value) if value.strip() else 0.0
        except ValueError:
            return math.nan
    return math.nan


def equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) and not isinstance(left, str):
        return bool(left == right)
    return _number(left) == _number(right)


def as_text(value: Any) -> str:
    """How a value is written into a string (``${{ }}`` in env or with)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evaluate(
    text: str, context: Mapping[str, Any], functions: Mapping[str, Function] | None = None
) -> Any:
    return _Parser(text, context, functions or {}).parse()


STATUS_FUNCTIONS = ("success", "failure", "cancelled", "always")


def condition(
    text: str | bool | None, context: Mapping[str, Any], functions: Mapping[str, Function]
) -> bool:
    """An ``if:``: ``${{ }}`` optional, ``success() &&`` implied without a status function."""
    if text is None:
        text = "success()"
    if isinstance(text, bool):
        return text
    expression = text.strip()
    if expression.startswith("${{") and expression.endswith("}}"):
        expression = expression[3:-2]
    if not any(re.search(rf"\b{name}\(", expression) for name in STATUS_FUNCTIONS):
        expression = f"success() && ({expression})"
    return truthy(evaluate(expression, context, functions))
