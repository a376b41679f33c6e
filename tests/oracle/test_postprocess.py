"""The extractor's post-processing (pure Python; the Node half is not needed here)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "wix_sdk_schemas" / "postprocess.py"


@pytest.fixture(scope="module")
def post() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wix_sdk_postprocess", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raw_document() -> dict[str, Any]:
    """A miniature of what extract_types.cjs writes for one package."""
    defs = {
        "Endpoints": {"type": "object"},
        "BulkAdjustRequest": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/definitions/Item"}},
                "reason": {"$ref": "#/definitions/ReasonWithLiterals", "description": "Why."},
            },
            "required": ["items"],
            "additionalProperties": False,
        },
        "Item": {
            "type": "object",
            "properties": {
                "id": {"type": ["string", "null"], "format": "GUID"},
                "ids": {"type": "array", "items": {"type": "string"}, "format": "GUID"},
                "inStock": {"type": "boolean"},
                "quantity": {"type": "number"},
                "price": {"type": ["string", "null"]},
                "updatedDate": {
                    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]
                },
                "data": {"anyOf": [{"$ref": "#/definitions/Record<string,any>"}, {"type": "null"}]},
                "description": {"type": "string", "description": "A field named description."},
            },
        },
        "ReasonWithLiterals": {
            "anyOf": [{"$ref": "#/definitions/Reason"}, {"type": "string", "const": "ORDER"}]
        },
        "Reason": {"type": "string", "enum": ["ORDER", "MANUAL"]},
        "Record<string,any>": {"type": "object"},
        "Unused": {"type": "object", "properties": {}},
        "Empty": {"type": "object", "additionalProperties": False},
    }
    interfaces = {
        "Item": {
            "bases": ["ItemTrackingOneOf"],
            "oneof": False,
            "members": ["id", "ids", "price", "updatedDate", "data", "description"],
            "props": {
                "id": {"readonly": ""},
                "price": {"decimalValue": "options { gte:0, lte:999.99, maxScale:2 }"},
            },
        },
        "ItemTrackingOneOf": {
            "bases": [],
            "oneof": True,
            "members": ["inStock", "quantity"],
            "props": {"quantity": {"min": "-99999", "max": "99999"}},
        },
        "BulkAdjustRequest": {
            "bases": [],
            "oneof": False,
            "members": ["items", "reason"],
            "props": {"items": {"minSize": "1", "maxSize": "300"}},
        },
    }
    methods = {
        "bulkAdjust": {
            "httpMethod": "POST",
            "protoPath": "/v3/bulk/items/adjust",
            "publicPath": "/stores/v3/bulk/items/adjust",
            "complexGet": False,
            "requestType": "BulkAdjustRequest",
            "responseType": "Empty",
        },
        "getItem": {
            "httpMethod": "GET",
            "protoPath": "/v3/items/{item.id}",
            "publicPath": "/stores/v3/items/:itemId",
            "complexGet": False,
            "requestType": "Item",
            "responseType": "Item",
        },
    }
    return {
        "package": "@wix/auto_sdk_example",
        "version": "1.2.3",
        "toolchain": {"typescript": "5.9.3"},
        "methods": methods,
        "interfaces": interfaces,
        "schema": {"definitions": defs},
    }


def test_public_paths_keep_the_proto_field_names(post: ModuleType) -> None:
    method = {"protoPath": "/v3/products/{product.id}", "publicPath": "/stores/v3/products/:p"}
    assert post.public_path(method) == "/stores/v3/products/{product.id}"
    with pytest.raises(ValueError):
        post.public_path({"protoPath": "/v3/a/{x}", "publicPath": "/stores/v3/a"})


def test_decimal_options_are_read_from_the_tag(post: ModuleType) -> None:
    text = "options { gte:0, lte:999999999.99, maxScale:2 }"
    assert post.decimal_options(text) == {"gte": "0", "lte": "999999999.99", "maxScale": "2"}


def test_tags_oneofs_enums_and_nulls_become_checkable_keywords(post: ModuleType) -> None:
    out = post.build_package_schema(raw_document())
    defs = out["definitions"]
    item = defs["Item"]["properties"]
    request = defs["BulkAdjustRequest"]
    assert request["properties"]["items"]["maxItems"] == 300
    assert request["properties"]["items"]["minItems"] == 1
    assert request["properties"]["reason"] == {"$ref": "#/definitions/Reason"}
    assert item["quantity"] == {"type": "number", "minimum": -99999, "maximum": 99999}
    assert item["price"]["x-decimal"] == {"gte": "0", "lte": "999.99", "maxScale": "2"}
    assert item["id"]["readOnly"] is True
    assert item["ids"] == {"type": "array", "items": {"type": "string", "format": "GUID"}}
    assert item["updatedDate"] == {"type": ["string", "null"], "format": "date-time"}
    assert item["data"]["anyOf"][0] == {"$ref": "#/definitions/Record_string_any"}
    assert item["description"] == {"type": "string"}  # the annotation went, the field stayed
    assert defs["Item"]["x-oneof"] == [["inStock", "quantity"]]
    assert defs["Item"]["additionalProperties"] is False
    assert "additionalProperties" not in defs["Record_string_any"]  # a map stays open
    assert "Unused" not in defs and "ReasonWithLiterals" not in defs and "Endpoints" not in defs


def test_endpoints_carry_method_path_and_types(post: ModuleType) -> None:
    out = post.build_package_schema(raw_document())
    assert out["sdk"] == {"package": "@wix/auto_sdk_example", "version": "1.2.3"}
    assert out["endpoints"]["getItem"] == {
        "method": "GET",
        "path": "/stores/v3/items/{item.id}",
        "protoPath": "/v3/items/{item.id}",
        "postForm": False,
        "request": {"$ref": "#/definitions/Item"},
        "response": {"$ref": "#/definitions/Item"},
    }


def test_the_same_input_gives_the_same_bytes(post: ModuleType) -> None:
    first = json.dumps(post.build_package_schema(raw_document()), sort_keys=True)
    second = json.dumps(post.build_package_schema(raw_document()), sort_keys=True)
    assert first == second


# --- nested required fields (@requiredField) ------------------------------------------

UPDATE_ARGS = {
    "names": ["_id", "item", "options"],
    "explicit": {"item.id": "$[0]", "reason": "$[2].reason"},
    "spread": {"item": "$[1]"},
}
RENAMES = {"_id": "id", "_createdDate": "createdDate", "_updatedDate": "updatedDate"}


def test_required_field_paths_become_rest_paths(post: ModuleType) -> None:
    assert post.rest_path("_id", UPDATE_ARGS, RENAMES) == "item.id"
    assert post.rest_path("item.revision", UPDATE_ARGS, RENAMES) == "item.revision"
    assert post.rest_path("options.reason", UPDATE_ARGS, RENAMES) == "reason"
    bulk = {"names": ["items", "options"], "explicit": {"items": "$[0]"}, "spread": {}}
    assert post.rest_path("items.item._id", bulk, RENAMES) == "items.item.id"
    with pytest.raises(ValueError, match="names no parameter"):
        post.rest_path("nothing.id", bulk, RENAMES)
    with pytest.raises(ValueError, match="does not put options into the request"):
        post.rest_path("options.returnEntity", bulk, RENAMES)


def with_required_fields() -> dict[str, Any]:
    raw = raw_document()
    defs = raw["schema"]["definitions"]
    defs["UpdateRequest"] = {
        "type": "object",
        "properties": {"item": {"$ref": "#/definitions/Item"}},
        "additionalProperties": False,
    }
    raw["interfaces"]["UpdateRequest"] = {"bases": [], "oneof": False, "members": ["item"]}
    methods = raw["methods"]
    methods["updateItem"] = {
        "httpMethod": "PATCH",
        "protoPath": "/v3/items/{item.id}",
        "publicPath": "/stores/v3/items/:itemId",
        "complexGet": False,
        "requestType": "UpdateRequest",
        "responseType": "Item",
        "arguments": {
            "names": ["_id", "item"],
            "explicit": {"item.id": "$[0]"},
            "spread": {"item": "$[1]"},
        },
        "requiredFields": ["_id", "item", "item.tracking"],
    }
    methods["bulkAdjust"]["arguments"] = {
        "names": ["items", "options"],
        "explicit": {"items": "$[0]", "reason": "$[1].reason"},
        "spread": {},
    }
    methods["bulkAdjust"]["requiredFields"] = ["items", "items.price"]
    raw["renames"] = RENAMES
    return raw


def test_required_fields_bind_a_copy_of_the_types_for_that_method_only(post: ModuleType) -> None:
    out = post.build_package_schema(with_required_fields())
    defs = out["definitions"]
    update = out["endpoints"]["updateItem"]["request"]["$ref"].split("/")[-1]
    assert update == "UpdateRequest_Required"
    assert defs[update]["required"] == ["item"]
    item_ref = defs[update]["properties"]["item"]["$ref"].split("/")[-1]
    # item.id required; the oneof group "tracking" (ItemTrackingOneOf) needs one member.
    assert defs[item_ref]["required"] == ["id"]
    assert defs[item_ref]["x-required-oneof"] == {"tracking": ["inStock", "quantity"]}
    bulk_item = defs["BulkAdjustRequest_Required"]["properties"]["items"]["items"]["$ref"]
    assert defs[bulk_item.split("/")[-1]]["required"] == ["price"]
    # Item itself (the answer of getItem and updateItem) is left as declared.
    assert "required" not in defs["Item"] and "x-required-oneof" not in defs["Item"]
    assert out["endpoints"]["getItem"]["request"] == {"$ref": "#/definitions/Item"}


def test_a_required_field_the_types_do_not_have_stops_the_extraction(post: ModuleType) -> None:
    raw = with_required_fields()
    raw["methods"]["updateItem"]["requiredFields"] = ["item.nowhere"]
    with pytest.raises(ValueError, match="Item has no field or oneof group 'nowhere'"):
        post.build_package_schema(raw)


def test_an_interface_named_oneof_is_a_oneof_group_without_the_tag(post: ModuleType) -> None:
    raw = raw_document()
    raw["interfaces"]["ItemTrackingOneOf"]["oneof"] = False  # as in @wix/error-handler-types
    assert post.build_package_schema(raw)["definitions"]["Item"]["x-oneof"] == [
        ["inStock", "quantity"]
    ]


def test_the_error_body_document_has_one_root_and_no_endpoints(post: ModuleType) -> None:
    raw = {
        "package": "@wix/error-handler-types",
        "version": "1.20.0",
        "toolchain": {"typescript": "5.9.3"},
        "root": "WixErrorBody",
        "interfaces": {
            "ErrorDetails": {"bases": ["DetailsKindOneOf"], "oneof": False, "members": ["a", "b"]},
            "DetailsKindOneOf": {"bases": [], "oneof": False, "members": ["a", "b"]},
        },
        "schema": {
            "definitions": {
                "WixErrorBody": {
                    "type": "object",
                    "properties": {"details": {"$ref": "#/definitions/ErrorDetails"}},
                    "required": ["details"],
                },
                "ErrorDetails": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                },
                "Unused": {"type": "object"},
            }
        },
    }
    out = post.build_package_schema(raw)
    assert out["endpoints"] == {} and out["error"] == {"$ref": "#/definitions/WixErrorBody"}
    assert sorted(out["definitions"]) == ["ErrorDetails", "WixErrorBody"]
    assert out["definitions"]["ErrorDetails"]["x-oneof"] == [["a", "b"]]
