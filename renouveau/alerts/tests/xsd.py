"""A strict checker of a document against the subset of XML Schema that the OASIS CAP 1.2
schema (``data/CAP-v1.2.xsd``, shipped unchanged) uses: nested sequences of elements (by name
or by ``ref``), ``minOccurs``/``maxOccurs``, enumerations and patterns of simple types, and a
trailing ``any`` (the XML signature). No XSD library is a dependency of the project, so this
reads the official schema itself rather than restating it."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA = Path(__file__).parent / "data" / "CAP-v1.2.xsd"


class SchemaError(AssertionError):
    pass


def _load():
    root = ET.parse(SCHEMA).getroot()  # noqa: S314 (our own output)
    target = root.get("targetNamespace")
    globals_ = {e.get("name"): e for e in root.findall(f"{XS}element")}
    return target, globals_


def _occurs(decl) -> tuple[int, float]:
    low = int(decl.get("minOccurs", "1"))
    high = decl.get("maxOccurs", "1")
    return low, float("inf") if high == "unbounded" else float(high)


def _check_simple(decl, element, path: str) -> None:
    restriction = decl.find(f"{XS}simpleType/{XS}restriction")
    text = element.text or ""
    if list(element):
        raise SchemaError(f"{path}: simple element has children")
    if restriction is None:
        return
    enumeration = [e.get("value") for e in restriction.findall(f"{XS}enumeration")]
    if enumeration and text not in enumeration:
        raise SchemaError(f"{path}: {text!r} not in {enumeration}")
    for pattern in restriction.findall(f"{XS}pattern"):
        if not re.fullmatch(pattern.get("value"), text):
            raise SchemaError(f"{path}: {text!r} does not match {pattern.get('value')}")


def _check(decl, element, target: str, globals_, path: str) -> None:
    if decl.get("ref"):
        decl = globals_[decl.get("ref").split(":")[-1]]
    name = decl.get("name")
    if element.tag != f"{{{target}}}{name}":
        raise SchemaError(f"{path}: expected <{name}>, found {element.tag}")
    sequence = decl.find(f"{XS}complexType/{XS}sequence")
    if sequence is None:
        _check_simple(decl, element, f"{path}/{name}")
        return
    children = list(element)
    index = 0
    for item in sequence:
        if item.tag == f"{XS}any":
            namespace = item.get("namespace")
            while index < len(children) and children[index].tag.startswith(f"{{{namespace}}}"):
                index += 1
            continue
        child_decl = globals_[item.get("ref").split(":")[-1]] if item.get("ref") else item
        child_name = child_decl.get("name")
        low, high = _occurs(item)
        count = 0
        while (
            index < len(children)
            and children[index].tag == f"{{{target}}}{child_name}"
            and count < high
        ):
            _check(child_decl, children[index], target, globals_, f"{path}/{name}")
            index += 1
            count += 1
        if count < low:
            raise SchemaError(f"{path}/{name}: <{child_name}> missing (at least {low})")
    if index < len(children):
        raise SchemaError(
            f"{path}/{name}: unexpected or misplaced <{children[index].tag}> at position {index}"
        )


def validate_cap(document: bytes) -> None:
    target, globals_ = _load()
    root = ET.fromstring(document)  # noqa: S314 (our own output)
    _check(globals_["alert"], root, target, globals_, "")
