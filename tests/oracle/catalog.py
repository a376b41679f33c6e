"""The committed Wix SDK schemas as a route table with cached validators.

Each ``schemas/*.json`` file (written by ``tools/wix_sdk_schemas/extract.py``)
holds one SDK package: its methods (HTTP method, public path template) and
the JSON Schemas of their REST request and response types. :class:`Catalog`
matches a request's method and path to one of those methods and hands out
the check of its request or response, compiled once (``compiled.py``).

Besides Draft 7 the schemas use the extractor's extensions: ``x-oneof`` (at
most one member of each group set), ``x-required-oneof`` (one member of each
named group set: a oneof group the SDK marks ``@requiredField``) and
``x-decimal`` (a decimal string within the declared bounds and scale).
Requests and responses are checked alike except: formats (``GUID``,
``date-time``; others such as ``WEB_URL`` are annotations) only in
responses, since ids in a request are data the client relays; ``minItems``
only in requests, since Wix's validation annotations bind requests and an
empty result page is legitimate.
``reference_validator`` gives the same schema as a ``jsonschema`` validator
with both extensions, against which the compiled checks are tested.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from tests.oracle.compiled import FORMAT_CHECKS, Check, Compiler, decimal_problem

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
REF_PREFIX = "#/definitions/"

# The reference validator's formats are the compiled checks' own.
FORMATS = FormatChecker(formats=())
for _name, _why in FORMAT_CHECKS.items():
    FORMATS.checks(_name)(lambda value, why=_why: not isinstance(value, str) or why(value) is None)


def _x_oneof(validator: Any, groups: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    for group in groups:
        present = [name for name in group if instance.get(name) is not None]
        if len(present) > 1:
            yield ValidationError(
                f"{' and '.join(present)} are one oneof group: set at most one of "
                f"{', '.join(group)}"
            )


def _x_required_oneof(
    validator: Any, groups: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    for group, members in groups.items():
        if all(instance.get(name) is None for name in members):
            yield ValidationError(f"set one of {', '.join(members)} (oneof group {group})")


def _x_decimal(
    validator: Any, options: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if isinstance(instance, str):
        why = decimal_problem(instance, options)
        if why:
            yield ValidationError(why)


OracleValidator = jsonschema.validators.extend(
    Draft7Validator,
    {"x-oneof": _x_oneof, "x-required-oneof": _x_required_oneof, "x-decimal": _x_decimal},
)


@dataclass(frozen=True)
class Method:
    """One SDK method: where it lives on www.wixapis.com and its REST types."""

    package: str
    version: str
    name: str
    http_method: str
    path: str
    post_form: bool
    request_ref: str
    response_ref: str
    document: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.name} in {self.package}@{self.version}"

    @cached_property
    def path_fields(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.path)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{[^}]+\}", self.path)
        return re.compile("^" + "([^/]+)".join(re.escape(p) for p in parts) + "$")

    @property
    def literal_segments(self) -> int:
        return sum(1 for seg in self.path.split("/") if seg and not seg.startswith("{"))

    def accepts(self, http_method: str) -> bool:
        # A query-style GET travels as POST with a JSON body when it is long
        # (@wix/sdk; see wix-api README "GET form of query endpoints").
        return http_method == self.http_method or (self.post_form and http_method == "POST")

    def match_path(self, path: str) -> dict[str, str] | None:
        found = self._pattern.match(path)
        if found is None:
            return None
        return dict(zip(self.path_fields, found.groups(), strict=True))

    def template(self, http_method: str) -> str:
        """The key used in messages and KNOWN_VIOLATIONS: method as sent, declared path."""
        return f"{http_method} {self.path}"

    def definition_name(self, side: str) -> str:
        ref = self.request_ref if side == "request" else self.response_ref
        return ref[len(REF_PREFIX) :]


class Catalog:
    """Every method of every committed schema file, with lazily built validators."""

    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        self.methods: list[Method] = []
        self.documents: dict[str, dict[str, Any]] = {}
        # The body of every Wix error answer (``errors.json``: @wix/error-handler-types).
        self.error_document: dict[str, Any] | None = None
        for file in sorted(schema_dir.glob("*.json")):
            document = json.loads(file.read_text(encoding="utf-8"))
            package, version = document["sdk"]["package"], document["sdk"]["version"]
            self.documents[package] = document
            if "error" in document:
                self.error_document = document
            for name, spec in sorted(document["endpoints"].items()):
                self.methods.append(
                    Method(
                        package=package,
                        version=version,
                        name=name,
                        http_method=spec["method"],
                        path=spec["path"],
                        post_form=bool(spec["postForm"]),
                        request_ref=spec["request"]["$ref"],
                        response_ref=spec["response"]["$ref"],
                        document=document,
                    )
                )
        # Literal segments first: /locations/default before /locations/{id}.
        self.methods.sort(key=lambda m: (-m.literal_segments, m.path, m.http_method, m.name))
        self._checks: dict[tuple[str, str, str], Check] = {}
        self._compilers: dict[str, dict[bool, Compiler]] = {}  # package -> response? -> compiler
        self._lock = threading.Lock()

    def match(self, http_method: str, path: str) -> tuple[Method, dict[str, str]] | None:
        # The declared HTTP method wins: POST /locations/v1/locations is
        # createLocation, not the POST form of listLocations.
        for exact in (True, False):
            for method in self.methods:
                if method.http_method == http_method if exact else method.accepts(http_method):
                    params = method.match_path(path)
                    if params is not None:
                        return method, params
        return None

    def check(self, method: Method, side: str) -> Check:
        """The compiled check of one method's request or response, built once."""
        key = (method.package, method.name, side)
        found = self._checks.get(key)
        if found is None:
            with self._lock:
                found = self._checks.get(key)
                if found is None:
                    response = side == "response"
                    compilers = self._compilers.setdefault(method.package, {})
                    compiler = compilers.get(response)
                    if compiler is None:
                        definitions = method.document["definitions"]
                        compiler = Compiler(definitions, response=response)
                        compilers[response] = compiler
                    ref = method.request_ref if side == "request" else method.response_ref
                    found = self._checks[key] = compiler.ref(ref)
        return found

    @property
    def error_label(self) -> str:
        document = self.error_document
        if document is None:
            return "-"
        root = document["error"]["$ref"][len(REF_PREFIX) :]
        return f"{root} in {document['sdk']['package']}@{document['sdk']['version']}"

    def error_check(self) -> Check | None:
        """The compiled check of an error answer's body, built once (None: no errors.json)."""
        document = self.error_document
        if document is None:
            return None
        key = (document["sdk"]["package"], "error", "error")
        found = self._checks.get(key)
        if found is None:
            with self._lock:
                found = self._checks.get(key)
                if found is None:
                    compiler = Compiler(document["definitions"], response=True)
                    found = self._checks[key] = compiler.ref(document["error"]["$ref"])
        return found

    def error_reference_validator(self) -> Any:
        """``jsonschema``'s view of the same error schema (for the oracle's own tests)."""
        assert self.error_document is not None
        root = {
            "$ref": self.error_document["error"]["$ref"],
            "definitions": _without(self.error_document["definitions"], "minItems"),
        }
        return OracleValidator(root, format_checker=FORMATS)

    def reference_validator(self, method: Method, side: str) -> Any:
        """The same schema as a ``jsonschema`` validator: the yardstick for ``check``."""
        ref = method.request_ref if side == "request" else method.response_ref
        definitions = method.document["definitions"]
        if side == "response":  # as the compiled checks: no minItems on answers
            definitions = _without(definitions, "minItems")
        root = {"$ref": ref, "definitions": definitions}
        return OracleValidator(root, format_checker=FORMATS if side == "response" else None)

    def resolve(self, package: str, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow ``$ref`` (and a nullable ``anyOf``) to the schema that has the shape."""
        definitions = self.documents[package]["definitions"]
        for _ in range(50):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                schema = definitions[ref[len(REF_PREFIX) :]]
                continue
            options = schema.get("anyOf")
            if isinstance(options, list):
                real = [o for o in options if o != {"type": "null"}]
                if len(real) == 1:
                    schema = real[0]
                    continue
            break
        return schema


def _without(node: Any, keyword: str) -> Any:
    if isinstance(node, dict):
        return {k: _without(v, keyword) for k, v in node.items() if k != keyword}
    if isinstance(node, list):
        return [_without(v, keyword) for v in node]
    return node


_CATALOG: Catalog | None = None


def catalog() -> Catalog:
    """The process-wide catalog (schemas are read once per test session)."""
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = Catalog()
    return _CATALOG
