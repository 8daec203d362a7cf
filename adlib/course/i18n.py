"""The notebooks' language: English (``"en"``, the default) or Russian (``"ru"``, the lecture's language).

The Russian edition of a notebook (``notebooks/ru/``) runs the same code cells as the English one; only the
strings it shows differ. A string shown to the reader is written once with both versions,

    tr("not done yet", "ещё не сделано")

and :func:`tr` picks the one of the current language, set once per notebook with :func:`set_language`. Course
functions that draw or print text call :func:`tr` (or take ``lang=`` to override it for one call).
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "language", "set_language", "tr"]

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
