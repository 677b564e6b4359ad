"""Every screen of the game is styled once when it opens (game/app/screens/styled.py), and looks
as it would if Textual had restyled it whole as it does by default."""

from __future__ import annotations

import collections
from typing import Any

import pytest
from driving import DILEMMA_SEED, end_turn_into_the_dilemma, started, sync
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

import game.app.screens as screens_package
from game.app.screens.styled import StyledOnce, size_classes
from game.app.widgets.size_notice import HORIZONTAL_BREAKPOINTS, VERTICAL_BREAKPOINTS


def game_screens() -> list[type[Screen[Any]]]:
    """Every screen class the game defines (each screens module imported)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(screens_package.__path__):
        importlib.import_module(f"{screens_package.__name__}.{module.name}")
    found: list[type[Screen[Any]]] = []
    todo: list[type[Screen[Any]]] = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("game.") and sub is not StyledOnce:
                found.append(sub)
    return found


def test_every_screen_of_the_game_is_styled_once_and_keeps_textuals_css():
    classes = game_screens()
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, StyledOnce), f"{cls.__name__}: make it a StyledOnce screen"
        if issubclass(cls, ModalScreen):  # Textual reads CSS down the first bases only
            assert ModalScreen in cls._css_bases(cls), f"{cls.__name__}: put ModalScreen first"


@pytest.mark.parametrize("size", [(80, 24), (79, 24), (80, 23), (120, 40), (20, 5)])
def test_the_size_classes_are_the_ones_textual_gives(size):
    from textual.geometry import Size

    screen = Screen()  # Textual's own choice, as Screen._on_resize makes it
    expected = {name: False for _, name in HORIZONTAL_BREAKPOINTS + VERTICAL_BREAKPOINTS}
    width, height = size
    for name in screen._get_breakpoint_classes(width, HORIZONTAL_BREAKPOINTS):
        expected[name] = True
    for name in screen._get_breakpoint_classes(height, VERTICAL_BREAKPOINTS):
        expected[name] = True
    assert size_classes(Size(*size)) == expected


def styles_of(screen: Screen[Any]) -> dict[DOMNode, tuple[object, ...]]:
    """Each node's style rules and its parts' (component classes') rules."""
    return {
        node: (
            dict(node.styles.base._rules),
            {part: dict(styles.base._rules) for part, styles in node._component_styles.items()},
        )
        for node in screen.walk_children(with_self=True)
    }


@sync
async def test_screens_opened_are_styled_once_and_as_a_whole_restyle_would_style_them(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=DILEMMA_SEED) as pilot:
        app = pilot.app
        applied: collections.Counter[DOMNode] = collections.Counter()
        apply = app.stylesheet.apply

        def counting(node: DOMNode, **kwargs: Any) -> None:
            if isinstance(node, Widget):
                applied[node] += 1
            apply(node, **kwargs)

        app.stylesheet.apply = counting  # type: ignore[method-assign]
        main = app.screen
        for opening in ("question_mark", "dilemma"):
            applied.clear()
            if opening == "dilemma":
                await end_turn_into_the_dilemma(pilot)
            else:
                await pilot.press(opening)
                await pilot.pause()
            screen = app.screen
            assert screen is not main
            widgets = list(screen.walk_children(with_self=True))
            # once each when mounted; the widget focused on arrival and what it holds once more
            # (Textual restyles them for :focus); Textual's default styled each three times
            focused = list(screen.focused.walk_children(with_self=True)) if screen.focused else []
            assert sum(applied[w] for w in widgets) <= len(widgets) + len(focused), opening
            assert max(applied[w] for w in widgets) <= 2, opening
            styled = styles_of(screen)
            app.update_styles(screen)  # what Textual's resume and resize would have done
            assert styles_of(screen) == styled, opening
            if opening == "question_mark":
                await pilot.press("escape")
                await pilot.pause()
        applied.clear()
        styled = styles_of(main)
        app.update_styles(main)
        assert styles_of(main) == styled
