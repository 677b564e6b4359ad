"""Pydantic's validation errors in a modder's words, each at the line of the key it is about.

pydantic reports a location as a path through the data (``("parameter", "x", "value")``);
these helpers keep the parts of it that are real keys in the file, pick the line of that
key from the TOML document, and say what was expected in plain words, with a "did you
mean" for a misspelt key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from game.content.errors import ContentError, did_you_mean
from game.content.tomlpos import KeyPath, TomlDocument, key_name

M = TypeVar("M", bound=BaseModel)


def _kind_words(error_type: str) -> str | None:
    return {
        "float_type": "a number",
        "float_parsing": "a number",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "string_type": "a string",
        "bool_type": "true or false",
        "list_type": "a list",
        "tuple_type": "a list",
        "dict_type": "a table",
        "model_type": "a table",
        "model_attributes_type": "a table",
    }.get(error_type)


def _walk(data: Any, loc: Sequence[Any]) -> tuple[tuple[str | int, ...], Any, bool]:
    """Keep only the parts of a pydantic location that are real keys or indices in ``data``.

    Returns (path, value at path, whether the last component of loc was consumed).
    """
    path: list[str | int] = []
    node = data
    consumed = True
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
            consumed = True
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
            consumed = True
        else:
            consumed = False  # a union tag, a missing key or a model-level check
    return tuple(path), node, consumed


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class Locator(Protocol):
    """What can place an error at a key path: a TOML document, or a patched item's provenance."""

    def error(self, path: KeyPath, message: str, *, at_value: bool = False) -> ContentError: ...


def validation_errors(
    doc: Locator, exc: ValidationError, model: type[BaseModel], data: Any, base: KeyPath = ()
) -> list[ContentError]:
    """Turn pydantic's errors about ``data`` into one ContentError per offending key, at its line.

    ``doc`` places an error given the key path from its root; ``base`` is the path of
    ``data`` there.
    """
    grouped: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    extras: list[ContentError] = []
    errors = exc.errors(include_url=False)
    meant = _misspelt_required(errors)
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            path, _, _ = _walk(data, loc)
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc[:-1])
            if loc in meant:  # `sorce` for a missing `source`: one error, not missing and unknown
                message = f'unknown key {key!r} (did you mean "{meant[loc]}"? it is required)'
                extras.append(doc.error(base + path, message))
                continue
            extras.append(
                doc.error(
                    base + path,
                    f"unknown key {key!r}{did_you_mean(key, allowed)}"
                    + (f"; expected one of: {', '.join(sorted(allowed))}" if allowed else ""),
                )
            )
            continue
        if loc and loc[-1] == "[key]":
            path, _, _ = _walk(data, loc[:-1])
            key = str(loc[-2])
            if err["type"] == "string_pattern_mismatch":
                suggestion = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")
                example = f" (for example {suggestion!r})" if suggestion and suggestion[0].isalpha() else ""
                words = f"an id: lower_snake_case letters, digits and _{example}"
            else:
                words = _kind_words(err["type"]) or "a valid key"
            extras.append(doc.error(base + path, f"key {key!r} must be {words}"))
            continue
        if err["type"] == "missing":
            path, _, _ = _walk(data, loc[:-1])
            key = str(loc[-1])
            if not any(at[:-1] == loc[:-1] and wanted == key for at, wanted in meant.items()):
                owner = f"{key_name(path)}: " if path else ""  # the item, when the key's line is its header
                extras.append(doc.error(base + path + (key,), f"{owner}missing required key {key!r}"))
            continue
        path, _, _ = _walk(data, loc)
        grouped.setdefault(path, []).append(dict(err))
    out = list(extras)
    for path, errs in grouped.items():
        deeper = any(other[: len(path)] == path and other != path for other in grouped)
        if path and deeper and all(_kind_words(e["type"]) for e in errs):
            continue  # a union's other alternative matched deeper (a list with a bad item): that is the error
        _, value, _ = _walk(data, path)
        wanted = [w for w in (_kind_words(e["type"]) for e in errs) if w]
        if wanted and len(wanted) == len(errs):
            message = wrong_type(" or ".join(dict.fromkeys(wanted)), value)
        else:
            message = "; ".join(dict.fromkeys(error_message(e, value) for e in errs))
        a_dependency = len(path) == 2 and path[0] == "dependencies"
        if model.__name__ == "PackManifest" and a_dependency and isinstance(value, str):
            message += (  # dependencies = ["base"]: what to write instead
                f'; write {{ id = "{value}" }}, or with the versions it needs: '
                f'{{ id = "{value}", version = ">=0.1" }}'
            )
        name = key_name(path)
        named = re.match(r"`([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)`", message)
        patched = bool(getattr(doc, "patches", None))  # a patch broke the item: said at the patch
        dotted = named.group(1).split(".") if named else []
        inner: KeyPath = tuple(int(p) if p.isdigit() else p for p in dotted)
        if named and not patched and isinstance(value, dict) and _walk(value, inner)[0] == inner:
            # "`cost` has 2 entries for 3 levels", "`effects.0.multiply` lists ...": at the key it names
            out.append(doc.error(base + path + inner, message, at_value=True))
            continue
        out.append(doc.error(base + path, f"{name}: {message}" if name else message, at_value=bool(path)))
    return out


def _misspelt_required(errors: Sequence[Any]) -> dict[tuple[Any, ...], str]:
    """Unknown keys that are a misspelling of a required key missing from the same table (by the
    unknown key's location): the missing key's name."""
    missing = [(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors if e["type"] == "missing"]
    meant = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            close = [key for table, key in missing if table == loc[:-1] and did_you_mean(str(loc[-1]), [key])]
            if close:
                meant[loc] = close[0]
    return meant


def wrong_type(wanted: str, value: Any) -> str:
    """'must be a number, got the text "0.3"; write it without quotes: 0.3'."""
    message = f"must be {wanted}, got {_described(value)}"
    if isinstance(value, str):
        text = value.strip()
        if "number" in wanted and _is_number(text):
            return f"{message}; write the number without quotes: {text}"
        if "true or false" in wanted and text.lower() in _TRUTHY | _FALSY:
            word = "true" if text.lower() in _TRUTHY else "false"
            return f"{message}; write {word} without quotes"
    if isinstance(value, bool) and "number" in wanted:
        return f"{message}; write 1 or 0 for a number"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "true or false" in wanted:
        return f"{message}; write true or false"
    if isinstance(value, float) and wanted == "a whole number" and value.is_integer():
        return f"{message}; write {int(value)} without the decimal point"
    return message


_TRUTHY = frozenset({"true", "yes", "on", "1"})
_FALSY = frozenset({"false", "no", "off", "0"})


def _is_number(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def _described(value: Any) -> str:
    """A value as a message quotes it: 'the text "high"', 'the number 2.5', 'true', 'a table'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if isinstance(value, int):
        return f"the whole number {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    return _type_name(value)


def error_message(err: Mapping[str, Any], value: Any) -> str:
    """One of pydantic's errors in the game's words: "must be a list, got the whole number 5",
    "must be 0 or more, got -1", "missing"; what pydantic says otherwise, its prefix dropped."""
    if err["type"] == "missing":
        return "missing (it is required)"
    words = _kind_words(err["type"])
    if words:
        return wrong_type(words, value)
    if err["type"] == "string_pattern_mismatch":
        if err.get("loc") and err["loc"][-1] == "version":
            return f"{value!r} is not a version: write numbers with dots, like 0.1.0 or 1.2"
        return f"{value!r} is not a valid id: use lower_snake_case letters, digits and _"
    ctx = err.get("ctx") or {}
    bounds = {
        "greater_than_equal": ("ge", "{} or more"),
        "greater_than": ("gt", "more than {}"),
        "less_than_equal": ("le", "{} or less"),
        "less_than": ("lt", "less than {}"),
    }
    if err["type"] in bounds:
        key, words = bounds[err["type"]]
        return f"must be {words.format(ctx.get(key))}, got {value!r}"
    if err["type"] == "literal_error":
        return f"must be {ctx.get('expected', 'one of the allowed values')}, got {value!r}"
    if err["type"] in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return str(err["msg"]).replace("Value should", "must").replace("List should", "must").replace(
            "String should", "must"
        )
    msg = str(err["msg"])
    return re.sub(r"^(Value|Assertion) error, ", "", msg)


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the model accepts at a location, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not isinstance(current, type) or not issubclass(current, BaseModel):
            continue
        field_info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        if field_info is None:
            continue
        current = _inner_model(field_info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    """Dig the model class out of list[X], dict[str, X], X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_document(doc: TomlDocument, model: type[M]) -> tuple[M | None, list[ContentError]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_errors(doc, exc, model, doc.data)
