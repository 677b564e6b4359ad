"""The footer of every screen: its keys drawn as one line by one widget.

Textual's Footer is a container holding a widget per key (and per group and label), all
built again whenever the screen's bindings may have changed: each time focus moves, a
dialog opens or closes, a screen is shown. Those key widgets were about a quarter of all
the widgets the game mounted, and each was styled and laid out on its own. This footer is
one widget: it keeps the keys it shows as plain records and draws them as one line of text,
with the very styles, spacing and order Textual's compact Footer gives them (the command
palette's key on the right behind its edge, keys of a group together under the group's
label, keys that cannot act now dimmed). It answers the mouse as the Footer's keys do: a
click presses the key (a dimmed key rings the bell), the key under the pointer is
highlighted and shows its tooltip, and the wheel scrolls keys that do not fit.

Its look is read from the stylesheet through component classes named after the Footer's
own rules (``keys-footer--item``, ``--key``, ``--description``, ``--label``, ``--hover``,
``--disabled``, ``--edge``), layered as Textual layers a FooterKey over the Footer, so a
theme colours it as it colours the Footer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ScreenStackError
from textual.color import Color
from textual.geometry import Spacing
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events
    from textual.binding import Binding
    from textual.css.styles import StylesBase
    from textual.screen import Screen

Shown = tuple[tuple[str, "Binding", bool, str], ...]


@dataclass(frozen=True)
class Key:
    """One key as the footer shows it: what it draws and what a click on it does."""

    key: str  # the key a click presses
    display: str  # how the key is written (the app's key display)
    description: str  # beside the key; empty for a key of a group
    enabled: bool
    tooltip: str
    kind: str = "key"  # "key", "grouped" (one of a group's keys), "label" (a group's words), "palette"
    compact_group: bool = False  # a grouped key's group is compact


@dataclass(frozen=True)
class Placed:
    """A key laid out on the line: the cells it covers, from ``start`` to ``end``."""

    item: Key
    start: int
    end: int


def _margins(item: Key, compact: bool) -> tuple[int, int]:
    """Textual's Footer CSS for the margin left and right of each of its widgets."""
    if item.kind == "grouped":
        return (0, 0) if item.compact_group else (1, 1)
    if item.kind == "label":
        return (0, 0) if compact else (0, 1)
    return (0, 1) if compact else (0, 0)


def _row(boxes: list[tuple[int, int, int]]) -> tuple[list[int], int]:
    """Where each box (margin left, margin right, width) starts in a row laid out as Textual's
    horizontal layout does (neighbours' margins collapse to the larger), and the row's width."""
    x = 0
    starts: list[int] = []
    right: int | None = None
    for left, margin_right, width in boxes:
        x += left if right is None else max(right, left)
        starts.append(x)
        x += width
        right = margin_right
    return starts, x + (right or 0)


def keys_of(screen: Screen[object], compact: bool, palette_binding: str | None) -> list[Key]:
    """The keys Textual's Footer would show for the screen's active bindings, in its order."""
    app = screen.app
    active = screen.active_bindings
    by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
    for _node, binding, enabled, tooltip in active.values():
        if binding.show:
            by_action[binding.action].append((binding, enabled, tooltip))
    keys: list[Key] = []
    for group, runs in groupby(by_action.values(), lambda bindings: bindings[0][0].group):
        actions = list(runs)
        if group is not None and len(actions) > 1:
            for binding, enabled, tooltip in (bindings[0] for bindings in actions):
                tip = tooltip or binding.description
                display = app.get_key_display(binding)
                keys.append(Key(binding.key, display, "", enabled, tip, "grouped", group.compact))
            keys.append(Key("", group.description, "", True, "", "label"))
        else:
            for binding, enabled, tooltip in (bindings[0] for bindings in actions):
                display = app.get_key_display(binding)
                keys.append(Key(binding.key, display, binding.description, enabled, tooltip))
    if palette_binding is not None and palette_binding in active:
        _node, binding, enabled, _tooltip = active[palette_binding]
        display = app.get_key_display(binding)
        tip = binding.tooltip or binding.description
        keys.append(Key(binding.key, display, binding.description, enabled, tip, "palette"))
    return keys


class KeysFooter(Widget, can_focus=False):
    """The screen's keys in one line, drawn as Textual's compact Footer draws them."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--item",
        "keys-footer--hover",
        "keys-footer--disabled",
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--label",
        "keys-footer--edge",
    }
    DEFAULT_CSS = """
    KeysFooter {
        color: $footer-foreground;
        background: $footer-background;
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        .keys-footer--item { background: $footer-item-background; }
        .keys-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
        .keys-footer--disabled { text-style: dim; }
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
            padding: 0 1;
        }
        .keys-footer--description {
            padding: 0 1 0 0;
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--edge { color: $foreground 20%; }
        &.-compact {
            .keys-footer--key { padding: 0; }
            .keys-footer--description { padding: 0 0 0 1; }
        }
    }
    """

    compact = reactive(False, toggle_class="-compact")
    """Textual's compact footer: less space around keys."""
    show_command_palette = reactive(True)
    """Show the command palette's key on the right."""

    def __init__(self, *, compact: bool = True, show_command_palette: bool = True) -> None:
        super().__init__()
        self.set_reactive(KeysFooter.compact, compact)
        self.set_reactive(KeysFooter.show_command_palette, show_command_palette)
        self.set_class(compact, "-compact", update=False)
        self._shown: Shown | None = None  # the bindings the keys were made from
        self.keys: list[Key] = []  # what the footer shows, in order
        self._placed: list[Placed] = []  # the keys on the line as last drawn, for the mouse
        self._hover: Key | None = None
        self._scroll = 0  # cells scrolled off to the left when the keys do not fit
        self._styles: dict[tuple[tuple[str, ...], ...], tuple[Style, Color]] = {}
        self._drawn: tuple[object, Strip] | None = None  # the line last drawn, and what it showed

    # -- which keys -------------------------------------------------------------------------

    def _active(self, screen: Screen[object]) -> Shown:
        """What the keys are made from: each shown binding with whether it is enabled, and its tooltip."""
        return tuple(
            (key, active.binding, active.enabled, active.tooltip)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer's own rule (redraw only on the screen in view, when the app has focus), but
        # the keys are compared after the refresh: while a dialog closes, focus comes back to
        # the screen a moment after the screen itself, and keys read in between are never shown
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._update_if_changed)

    def _update_if_changed(self) -> None:
        try:
            in_view = self.is_attached and self.screen is self.app.screen
        except ScreenStackError:  # the app is closing: no screen left to show keys on
            return
        if not in_view:
            return  # covered by a dialog: the keys are compared again when the screen is back
        shown = self._active(self.screen)
        if shown != self._shown:
            self._shown = shown
            palette = self.app.COMMAND_PALETTE_BINDING
            wanted = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
            self.keys = keys_of(self.screen, self.compact, palette if wanted else None)
            self._hover = None if self._hover not in self.keys else self._hover
            self.refresh()

    def watch_compact(self) -> None:
        self._shown = None  # compared afresh: the spacing changes
        self.refresh()

    def watch_show_command_palette(self) -> None:
        self._shown = None
        if self.is_attached:
            self.call_after_refresh(self._update_if_changed)

    # -- drawing ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # the styles kept below are Textual's own kind of cache (as get_component_rich_style's),
        # dropped whenever the stylesheet styles this widget again (a theme, a class, a reload)
        super().notify_style_update()
        self._styles.clear()
        self._drawn = None

    def _layered(self, *layers: tuple[str, ...]) -> tuple[Style, Color]:
        """The Rich style of a node under this footer made of ``layers`` (each the component
        classes of one node, merged in order), worked out as Textual's DOMNode.rich_style works
        it out along a widget's ancestors; and its background. Kept until the styles change."""
        kept = self._styles.get(layers)
        if kept is not None:
            return kept
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        style = Style()
        opacity = 1.0
        chain: list[StylesBase] = [node.styles for node in reversed(self.ancestors_with_self)]
        chain += [self.get_component_styles(*names) for names in layers]
        for styles in chain:
            has_rule = styles.has_rule
            opacity *= styles.opacity
            tinted = styles.background.tint(styles.background_tint)
            text_background = background + tinted if has_rule("background") else background
            if has_rule("background"):
                background += tinted.multiply_alpha(opacity)
            if has_rule("color"):
                color = styles.color
            style += styles.text_style
            if has_rule("auto_color") and styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        style += Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )
        self._styles[layers] = style, background
        return style, background

    def _item_layer(self, item: Key) -> tuple[str, ...]:
        """The component classes standing for the item's FooterKey: hovered, dimmed or not."""
        hovered = ("keys-footer--hover",) if item == self._hover and item.kind != "label" else ()
        dimmed = () if item.enabled else ("keys-footer--disabled",)
        return ("keys-footer--item", *hovered, *dimmed)

    def _text_of(self, item: Key, compact_key: bool = False) -> Text:
        """The key as a FooterKey (or a group's FooterLabel) renders itself; ``compact_key``:
        spaced as a compact key whatever the footer's style."""
        if item.kind == "label":
            style, _ = self._layered(("keys-footer--label",))
            return Text(item.display, style)
        layer = self._item_layer(item)
        base, _ = self._layered(layer)
        key_style, _ = self._layered(layer, ("keys-footer--key",))
        if item.description:
            key_pad = self.get_component_styles("keys-footer--key").padding
            words = self.get_component_styles("keys-footer--description")
            words_pad = words.padding
            if compact_key:
                key_pad, words_pad = Spacing(0, 0, 0, 0), Spacing(0, 0, 0, 1)
            words_style, _ = self._layered(layer, ("keys-footer--description",))
            text = Text.assemble(
                (" " * key_pad.left + item.display + " " * key_pad.right, key_style),
                (" " * words_pad.left + item.description + " " * words_pad.right, words_style),
            )
        else:
            text = Text.assemble((item.display, key_style))
        text.stylize_before(base)
        return text

    def _palette_text(self, item: Key) -> Text:
        """The command palette's key as Footer docks it on the right, behind its left edge. Its
        key is spaced as a compact one in either style (Footer does not bind its compact switch),
        with a cell of padding after it in the roomy style."""
        layer = self._item_layer(item)
        _, outer = self._layered()
        base_style, inner = self._layered(layer)
        edge = self.get_component_styles("keys-footer--edge").color
        edge_style = Style.from_color((outer + edge).rich_color, inner.rich_color)
        text = Text.assemble(("▏", edge_style), self._text_of(item, compact_key=True))
        if not self.compact:
            text.append(" ", Style(bgcolor=inner.rich_color) if inner.a else None)
        return text

    def _laid_out(self) -> list[tuple[Key, Text, int]]:
        """Each key but the palette's with its text and the cell it starts at, laid out as the
        Footer's horizontal layout places its widgets (a group's keys inside their KeyGroup)."""
        compact = self.compact
        boxes: list[tuple[int, int, int]] = []  # margin left, margin right, width
        contents: list[list[tuple[Key, Text, int]]] = []  # each box's keys, from its left edge
        for grouped, run in groupby(self.keys, lambda item: item.kind == "grouped"):
            items = [item for item in run if item.kind != "palette"]
            if not items:
                continue
            if grouped:  # one KeyGroup: a compact one has margin right 1 and padding left 1
                padding = 1 if items[0].compact_group else 0
                texts = [self._text_of(item) for item in items]
                inner = [(*_margins(item, compact), t.cell_len) for item, t in zip(items, texts, strict=True)]
                starts, width = _row(inner)
                boxes.append((0, padding, padding + width))
                placed = zip(items, texts, starts, strict=True)
                contents.append([(item, t, padding + x) for item, t, x in placed])
                continue
            for item in items:
                text = self._text_of(item)
                boxes.append((*_margins(item, compact), text.cell_len))
                contents.append([(item, text, 0)])
        starts, _ = _row(boxes)
        boxed = zip(starts, contents, strict=True)
        return [(item, text, x + at) for x, content in boxed for item, text, at in content]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        gap = self._gap_style()
        if y:
            return Strip.blank(width, gap)
        what = (width, self.keys, self._hover, self._scroll)
        if self._drawn is not None and self._drawn[0] == what:
            return self._drawn[1]
        console = self.app.console
        line = Text()
        placed: list[Placed] = []
        for item, text, x in self._laid_out():
            line.append(" " * (x - line.cell_len), gap)
            line.append_text(text)
            placed.append(Placed(item, x, line.cell_len))
        # the keys scroll under the whole width; the palette's key is drawn over them on the right
        self._scroll = max(0, min(self._scroll, line.cell_len - width))
        scroll = self._scroll
        strip = Strip(line.render(console)).crop(scroll, scroll + width).adjust_cell_length(width, gap)
        self._placed = [
            Placed(p.item, max(0, p.start - scroll), min(p.end - scroll, width))
            for p in placed
            if p.end - scroll > 0 and p.start - scroll < width
        ]
        palette = next((item for item in self.keys if item.kind == "palette"), None)
        if palette is not None:
            right_part = self._palette_text(palette)
            start = max(0, width - (1 if self.compact else 0) - right_part.cell_len)
            end = min(width, start + right_part.cell_len)
            over = Strip(right_part.render(console)).crop(0, end - start)
            strip = Strip.join([strip.crop(0, start), over, strip.crop(end, width)])
            self._placed.insert(0, Placed(palette, start + 1, end))  # over the keys beneath
        self._drawn = (width, self.keys, self._hover, self._scroll), strip
        return strip

    def _gap_style(self) -> Style:
        """Where no key is drawn: the footer's background alone, as a container fills its space."""
        _, background = self._layered()
        return Style(bgcolor=background.rich_color) if background.a else Style()

    # -- the mouse ---------------------------------------------------------------------------

    def key_at(self, x: int) -> Key | None:
        """The key drawn at cell ``x`` of the footer, if any."""
        for placed in self._placed:
            if placed.start <= x < placed.end and placed.item.kind != "label":
                return placed.item
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_over(self.key_at(event.x))

    def on_leave(self) -> None:
        self._hover_over(None)

    def _hover_over(self, item: Key | None) -> None:
        if item == self._hover:
            return
        self._hover = item
        self.tooltip = item.tooltip if item is not None and item.tooltip else None
        self.styles.pointer = "pointer" if item is not None else "default"
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self.key_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def _scroll_by(self, cells: int, event: events.MouseEvent) -> None:
        before = self._scroll
        self._scroll = max(0, self._scroll + cells)
        self.refresh()  # clamped to the keys' width when drawn
        if self._scroll != before:
            event.stop()
            event.prevent_default()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll_by(4, event)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll_by(-4, event)
