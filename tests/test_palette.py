"""Colours a reader tells apart, with colour-blind eyes too.

Each colour is seen as by a person with protanopia and deuteranopia (Machado, Oliveira and
Fernandes 2009, severity 1.0: a matrix on linear RGB) and compared in CIELAB (ΔE 1976).
"""

from __future__ import annotations

import itertools

import pytest

from dprk_kg import palette

MACHADO = {
    "normal vision": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}
#: Side by side, a ΔE of about 10 reads as plainly different; 2 is barely visible.
APART = 12


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(colour: str, vision: str) -> tuple[float, float, float]:
    """``colour`` (#rrggbb) in CIELAB as seen with ``vision``."""
    rgb = [_linear(c) for c in palette.hex_rgb(colour)]
    m = MACHADO[vision]
    return _lab([min(1.0, max(0.0, sum(m[i][j] * rgb[j] for j in range(3)))) for i in range(3)])


def distance(a: str, b: str, vision: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(seen(a, vision), seen(b, vision))) ** 0.5


def test_the_simulation_is_the_published_one():
    """Pure red and green, told apart by normal eyes, look alike to a deuteranope."""
    assert distance("#ff0000", "#00ff00", "normal vision") > 100
    assert distance("#ff0000", "#00ff00", "deuteranopia") < distance("#ff0000", "#00ff00", "normal vision") / 3
    assert distance("#123456", "#123456", "protanopia") == 0


#: The kinds of node the dual-power view draws side by side (the view analysts publish most).
DUAL_POWER_NODES = ["unit", "assembly", "state organ", "party organ", "state post", "party post", "person",
                    "not on record"]


@pytest.mark.parametrize("vision", list(MACHADO))
def test_the_dual_power_fills_are_apart(vision):
    fills = {name: palette.KINDS_BY_NAME[name].fill for name in DUAL_POWER_NODES}
    close = [(a, b, round(distance(fills[a], fills[b], vision), 1)) for a, b in itertools.combinations(fills, 2)
             if distance(fills[a], fills[b], vision) < APART]
    assert close == []


@pytest.mark.parametrize("vision", list(MACHADO))
def test_the_assembly_and_state_organ_blues_are_apart(vision):
    assert distance(palette.KINDS_BY_NAME["assembly"].fill, palette.KINDS_BY_NAME["state organ"].fill, vision) >= 2 * APART


@pytest.mark.parametrize("vision", list(MACHADO))
def test_lines_of_one_dash_differ_in_colour(vision):
    """Two kinds of line drawn with the same dash must differ in colour or in width."""
    kinds = [e for e in palette.EDGE_KINDS.values() if e.name != "disagreement"]  # elections view only
    for a, b in itertools.combinations(kinds, 2):
        if a.style == b.style and abs(a.width - b.width) < 1:
            assert distance(a.color, b.color, vision) >= APART, (a.name, b.name)


def test_de_facto_and_guides_differ_in_dash_and_colour():
    de_facto, guides = palette.EDGE_KINDS["de facto"], palette.EDGE_KINDS["guides"]
    assert de_facto.style != guides.style
    assert all(distance(de_facto.color, guides.color, v) >= 2 * APART for v in MACHADO)


def test_every_line_says_what_it_means():
    assert all(e.meaning for e in palette.EDGE_KINDS.values())
