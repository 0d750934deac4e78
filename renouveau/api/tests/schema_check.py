"""Check an API answer against the OpenAPI schema served at ``/api/v1/schema/`` (used by the
apps' tests): a reuser who generates a client from the schema must be able to read the answer."""

from __future__ import annotations

import copy

import jsonschema


def _to_json_schema(node):
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes a ``null`` alternative."""
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _to_json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def assert_matches_schema(client, component: str, data) -> None:
    """Fail unless ``data`` is valid against ``#/components/schemas/<component>``."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = _to_json_schema(copy.deepcopy(schema["components"]))
    document = {"$ref": f"#/components/schemas/{component}", "components": components}
    jsonschema.Draft202012Validator(document).validate(data)
