"""Figures readable from the back of a lecture hall.

A slide deck is shown at 1280×720 (the decks of ``make slides``, RISE, a projector). A figure drawn inline is a PNG
at the figure's dpi; the deck shows it at its own pixel size, scaled down only if it is wider than the slide.
A text of ``s`` points in a figure at ``dpi`` is ``s · dpi / 72`` pixels in the PNG; on the slide one point is
4/3 CSS pixels. ``shown_points`` does that arithmetic, ``check_readable`` refuses a figure whose smallest text
would be under 10 pt on the slide, and ``use()`` sets the course's font sizes so that figures pass by default.

    from adlib.course import projector
    projector.use()                 # once, in a notebook's import cell
    ...
    projector.check_readable(fig)   # in the tests of a drawing function
"""

from __future__ import annotations

SLIDE_WIDTH_PX = 1280  # the deck's size (RISE width 100% on a 1280×720 projector; make slides' reveal.js)
CONTENT_WIDTH_PX = 1180  # what is left of the width beside reveal.js's margins
MIN_POINTS = 10.0

# Font sizes (points) for every figure of the course: at dpi 100 a 12 pt label is 12.5 pt on the slide.
RC = {
    "figure.dpi": 100,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.title_fontsize": 11,
    "figure.titlesize": 14,
}


def use() -> None:
    """Set the course's figure style (font sizes of ``RC``) for every figure drawn after this call."""
    import matplotlib as mpl

    mpl.rcParams.update(RC)


def shown_points(size_pt: float, fig, content_width_px: float = CONTENT_WIDTH_PX) -> float:
    """How large a text of ``size_pt`` points in ``fig`` appears on the slide, in points."""
    width_px = fig.get_figwidth() * fig.dpi
    scale = min(1.0, content_width_px / width_px)
    return size_pt * fig.dpi / 72 * scale * 0.75


def smallest_text(fig, content_width_px: float = CONTENT_WIDTH_PX):
    """``(points on the slide, the text)`` of the smallest visible, non-empty text of ``fig``
    (titles, labels, tick labels, legends, annotations), or ``(inf, "")`` if it has none."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist only once drawn
    smallest = (float("inf"), "")
    for artist in fig.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        shown = shown_points(artist.get_fontsize(), fig, content_width_px)
        if shown < smallest[0]:
            smallest = (shown, artist.get_text())
    return smallest


def check_readable(fig, min_points: float = MIN_POINTS, content_width_px: float = CONTENT_WIDTH_PX) -> None:
    """Raise ``ValueError`` if any text of ``fig`` would be smaller than ``min_points`` on a 1280-pixel slide."""
    points, text = smallest_text(fig, content_width_px)
    if points < min_points:
        raise ValueError(
            f"text {text!r} would be {points:.1f} pt on a {SLIDE_WIDTH_PX}-pixel slide (< {min_points:g} pt): "
            f"use a larger font, a smaller figsize (now {fig.get_figwidth():.1f} in wide) or projector.use()"
        )
