"""The tests' process-wide cache of parsed Textual CSS (tests/css_cache.py) gives each
stylesheet what its own parse would: its variables' values, and its errors."""

from __future__ import annotations

import css_cache
import pytest
from textual.css.stylesheet import Stylesheet, StylesheetParseError

CSS = "Static { color: $ink; }"


def parsed_color(ink: str) -> str:
    sheet = Stylesheet(variables={"ink": ink})
    sheet.add_source(CSS, read_from=("test_css_cache", "CSS"))
    sheet.parse()
    (rule,) = sheet.rules
    return rule.styles.color.hex


def test_each_stylesheet_gets_its_own_variables_and_errors():
    css_cache.install()  # as driving does
    assert Stylesheet._parse_rules is css_cache.parse_rules
    assert parsed_color("#ff0000") == "#FF0000"
    assert parsed_color("#0000ff") == "#0000FF", "a theme's variables are part of what is cached"
    assert parsed_color("#ff0000") == "#FF0000"
    for _ in range(2):  # an error is not kept: it is raised again, as Textual raises it
        sheet = Stylesheet()
        sheet.add_source("Static { colr: red; }", read_from=("test_css_cache", "BAD"))
        with pytest.raises(StylesheetParseError):
            sheet.parse()
