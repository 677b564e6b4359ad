"""One parse of each piece of Textual CSS per test process, not one per app started.

Every app Textual starts parses its widgets' CSS again (each stylesheet keeps its own small
cache): about 35 ms of processor time for each of the ~140 apps the app tests start, all
parsing the same text. ``install()`` keeps the parsed rules process-wide, keyed as Textual keys
them plus the stylesheet's variables (the theme), so an app with another theme still gets its
own. CSS with errors is never kept: it raises as it always did.

Installed by ``driving`` (imported by every app test module). The method wrapped is private; a
Textual without it keeps its own parsing (slower, same results).
"""

from __future__ import annotations

from typing import Any

from textual.css.stylesheet import Stylesheet

textual_parse_rules = getattr(Stylesheet, "_parse_rules", None)
parsed: dict[tuple[Any, ...], Any] = {}


def parse_rules(
    self: Stylesheet,
    css: str,
    read_from: Any,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> Any:
    """``Stylesheet._parse_rules``, its result shared by every stylesheet with the same variables."""
    assert textual_parse_rules is not None
    variables = getattr(self, "_variables", None)
    if not isinstance(variables, dict):  # a Textual that keeps them elsewhere: its own parse
        return textual_parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
    key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(variables.items())))
    try:
        return parsed[key]
    except KeyError:
        pass
    rules = textual_parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
    if not any(rule.errors for rule in rules):
        parsed[key] = rules
    return rules


def install() -> None:
    if textual_parse_rules is not None:
        Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
