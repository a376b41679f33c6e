"""Rule expressions in CEL, the Common Expression Language (https://cel.dev).

CEL is the language Kubernetes admission policies, Google Cloud IAM
conditions and Envoy use for exactly this: small, side-effect free, always
terminating expressions over data. It is evaluated with ``cel-expr-python``,
the CEL team's own Python wrapper of the reference C++ implementation (the
parser and type checker every other CEL runtime is tested against):

* the variables are declared with their types (:mod:`.variables`), so a
  misspelt variable, an unknown function or ``price > "10"`` fail when the
  toml is validated, with the line and column CEL gives;
* it evaluates a rule on a change in about 10 microseconds, variables
  included, where the pure-Python ``cel-python`` took 800: the six examples
  of docs/rules.md on a first plan of 10,000 products (130,003 changes) take
  6.5 s instead of about 500 (``benchmarks/rules.py``).

The environment has CEL's standard library (``size``, ``matches`` with RE2
regular expressions, ``startsWith``, ``has``, ``all``/``exists``/``filter``
macros, ``int()``/``double()``) plus the ``strings`` extension
(``lowerAscii``, ``replace``, ``split``, ...) and the ``math`` extension
(``math.greatest``, ``math.abs``, ...). It is built once per scope, on first
use: ``validate`` and ``plan`` of a project without rules never import CEL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from inventory_as_code.config.problems import did_you_mean
from inventory_as_code.rules.variables import CHANGE_VARIABLES, PLAN_VARIABLES

SCOPES = {"change": CHANGE_VARIABLES, "plan": PLAN_VARIABLES}
# What each expression of a rule must give.
RESULT_TYPES = {"when": "bool", "count": "int"}

_POSITION = re.compile(r"<input>:(\d+):(\d+): ([^\n]*)")


class CompileError(Exception):
    """An expression CEL refuses; ``line``/``column`` are 1-based within the expression."""

    def __init__(self, message: str, line: int = 1, column: int = 1, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


@cache
def _environment(scope: str) -> Any:
    from cel_expr_python import cel
    from cel_expr_python.ext import ext_math, ext_strings

    return cel.NewEnv(
        variables={name: _cel_type(cel, spec) for name, (spec, _) in SCOPES[scope].items()},
        extensions=[ext_strings.ExtStrings(), ext_math.ExtMath()],
    )


def _cel_type(cel: Any, spec: str) -> Any:
    simple = {
        "string": cel.Type.STRING,
        "int": cel.Type.INT,
        "double": cel.Type.DOUBLE,
        "bool": cel.Type.BOOL,
        "dyn": cel.Type.DYN,
    }
    if spec in simple:
        return simple[spec]
    if spec.startswith("list(") and spec.endswith(")"):
        return cel.Type.List(_cel_type(cel, spec[5:-1]))
    if spec.startswith("map(") and spec.endswith(")"):
        key, value = (part.strip() for part in spec[4:-1].split(","))
        return cel.Type.Map(_cel_type(cel, key), _cel_type(cel, value))
    raise ValueError(f"unknown CEL type {spec!r}")


@dataclass(frozen=True)
class Expression:
    """A compiled expression of one scope; :meth:`evaluate` never raises."""

    source: str
    scope: str
    result: str
    program: Any

    def evaluate(self, variables: Any) -> tuple[Any, str | None]:
        """``(value, None)``, or ``(None, error)`` when CEL cannot evaluate it on these values.

        ``variables`` is a mapping, or an :func:`activation` of it (cheaper when
        several expressions read the same values).
        """
        from cel_expr_python import cel

        try:
            if isinstance(variables, Mapping):
                value = self.program.eval(data=variables)
            else:
                value = self.program.eval(variables)
        except (RuntimeError, ValueError, TypeError) as exc:  # a value CEL cannot take
            return None, str(exc)
        if value.type() == cel.Type.ERROR:
            return None, _runtime_message(str(value.value()))
        result = value.value()
        wanted = bool if self.result == "bool" else int
        if type(result) is not wanted:
            return None, f"gave {_shown(result)}, not {_NAMES[self.result]}"
        return result, None


_NAMES = {"bool": "true or false", "int": "a whole number"}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _runtime_message(text: str) -> str:
    # "NOT_FOUND: Key not found in map : "price"" -> the part after the status code.
    message = re.sub(r"^[A-Z_]+: ", "", text.strip())
    missing = re.match(r'Key not found in map : "(.*)"$', message)
    if missing:
        return (
            f'this change has no "{missing[1]}" there (test it first with has(), e.g. '
            f"has(after.{missing[1]}), or use a derived value such as price)"
        )
    if "SELECT to non-message type" in message:
        return (
            "a field of null was read (before is null for a creation, after for a deletion): "
            "test it first, e.g. after != null && ..."
        )
    return message


def activation(scope: str, variables: Mapping[str, Any]) -> Any:
    """The variables converted once, for several expressions of ``scope``."""
    return _environment(scope).Activation(variables)


def compile_expression(source: str, scope: str, role: str) -> Expression:
    """Compile ``source`` for ``scope``; ``role`` (``when``, ``count``) says what it must give."""
    env = _environment(scope)
    try:
        program = env.compile(source)
    except RuntimeError as exc:
        raise _compile_error(str(exc), scope) from None
    result = RESULT_TYPES[role]
    given = program.return_type().name().lower()
    if given not in (result, "dyn"):
        raise CompileError(
            f"{role} must give {_NAMES[result]}, but this gives a value of type {given}",
            hint=f"{role} = 'price_drop > 0.5' gives true or false"
            if role == "when"
            else "count = 'size(products)' gives a whole number",
        )
    return Expression(source, scope, result, program)


def _compile_error(text: str, scope: str) -> CompileError:
    found = _POSITION.search(text)
    if found is None:
        return CompileError(_runtime_message(text))
    line, column, message = int(found[1]), int(found[2]), found[3].strip()
    hint = ""
    undeclared = re.search(r"undeclared reference to '([^']+)'", message)
    if undeclared:
        known = SCOPES[scope]
        name = undeclared[1]
        message = f"unknown name {name!r}{did_you_mean(name, known, inline=True)}"
        hint = f"a rule of scope {scope} sees {', '.join(known)} (docs/rules.md)."
    elif re.search(r"applied to '\((double, int|int, double)\)'", message):
        hint = "CEL does not mix whole numbers and doubles: write 0.5 or 1.0, or convert with "
        hint += "double(...) or int(...)."
    return CompileError(message, line, column, hint)
