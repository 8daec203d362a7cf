"""The notebooks' language: English (``"en"``, the default) or Russian (``"ru"``, the lecture's language).

The Russian edition of a notebook (``notebooks/ru/``) runs the same code cells as the English one; only the
strings it shows differ. A string shown to the reader is written once with both versions,

    tr("not done yet", "ещё не сделано")

and :func:`tr` picks the one of the current language, set once per notebook with :func:`set_language`. Course
functions that draw or print text call :func:`tr` (or take ``lang=`` to override it for one call).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["LANGUAGES", "Labels", "language", "player_html", "plural_en", "plural_ru", "ru_times", "set_language", "tr"]

LANGUAGES = ("en", "ru")
_current = "en"


def _check(lang):
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """Make ``lang`` ("en" or "ru") the language of every string shown from now on."""
    global _current
    _current = _check(lang)


def language() -> str:
    """The current language, "en" or "ru"."""
    return _current


def tr(en: str, ru: str, lang: str | None = None) -> str:
    """``en`` or ``ru``, whichever is the current language (or ``lang``, if given)."""
    return ru if _check(lang or _current) == "ru" else en


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after the number ``n``: ``one`` (1, 21, 101 узел), ``few`` (2–4, 22 узла),
    ``many`` (0, 5–20, 111 узлов)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def ru_times(x, fmt: str = ".0f") -> str:
    """A factor in a Russian sentence: ``x`` formatted by ``fmt`` with «раз»/«раза» after it ("35 раз", "3 раза",
    "1.5 раза": a fraction takes «раза»)."""
    s = format(x, fmt)
    return f"{s} " + ("раза" if not s.isdigit() else plural_ru(int(s), "раз", "раза", "раз"))


def plural_en(n: int, one: str, many: str | None = None) -> str:
    """The English form of a noun after the number ``n``: ``one`` for 1 (1 output), else ``many`` (default
    ``one + "s"``: 0 outputs, 400 VJPs)."""
    return one if abs(int(n)) == 1 else (many or one + "s")


class Labels(Mapping):
    """A table of display names, ``{key: (english, russian)}``, read like a dict of strings in the current
    language: ``ESTIMATOR_LABELS["central"]`` is "central differences", or «центральные разности» in the Russian
    edition, so that a notebook's ``label=ESTIMATOR_LABELS[name]`` needs no change between the editions."""

    def __init__(self, pairs):
        self._pairs = dict(pairs)
        for key, pair in self._pairs.items():
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
                raise TypeError(f"Labels: {key!r} must map to an (english, russian) pair of strings, got {pair!r}")

    def __getitem__(self, key):
        return tr(*self._pairs[key])

    def __iter__(self):
        return iter(self._pairs)

    def __len__(self):
        return len(self._pairs)

    def in_language(self, lang):
        """The plain dict in ``lang``."""
        return {key: tr(*pair, lang=lang) for key, pair in self._pairs.items()}


# matplotlib's JavaScript animation player (``Animation.to_jshtml``): its buttons' tooltips and its three loop modes
_PLAYER_RU = {"Decrease speed": "Медленнее", "First frame": "Первый кадр", "Previous frame": "Предыдущий кадр",
              "Play backwards": "Назад", "Pause": "Пауза", "Play": "Воспроизвести", "Next frame": "Следующий кадр",
              "Last frame": "Последний кадр", "Increase speed": "Быстрее", "Repetition mode": "Режим повтора",
              "Once": "Один раз", "Loop": "По кругу", "Reflect": "Туда и обратно"}
_PLAYER_TEXT = re.compile(r'((?:title|aria-label)="|<label for="[^"]*">)(' + "|".join(_PLAYER_RU) + r')(?=["<])')


def player_html(html: str, lang: str | None = None) -> str:
    """The HTML of matplotlib's animation player (``anim.to_jshtml()``) in the notebook's language (or ``lang``):
    its buttons' tooltips and loop modes in Russian for ``"ru"``; and without the player's ``/* … */`` JavaScript
    comments (English prose stored in the notebook's outputs)."""
    html = re.sub(r"/\*.*?\*/", "", html, flags=re.S)
    if tr("en", "ru", lang) == "ru":
        html = _PLAYER_TEXT.sub(lambda m: m.group(1) + _PLAYER_RU[m.group(2)], html)
    return html
