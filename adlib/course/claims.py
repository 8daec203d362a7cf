"""Sentences that depend on a run, tied to the numbers they are about.

A notebook measures something, then says something about it ("reverse mode wins by 37×", "the slope is 2.0").
Written by hand, such a sentence stays in the notebook when a rerun changes the number. Two ways to keep it true:

* **render it** from the computed values: ``say(f"reverse mode wins by {ratio:.0f}×")`` shows Markdown as the
  cell's output, so the sentence is always the run's own (with ``ru=f"обратный режим быстрее в {ratio:.0f} раз"``,
  the Russian edition of the notebook shows the Russian sentence: the code cell is the same in both editions);
* **guard it**: ``claim(ratio > 10, "reverse mode wins by more than 10×")`` next to the Markdown cell that says
  so; if a rerun breaks the sentence, the cell fails (under nbmake: the test fails) instead of lying.

``choose(condition, "wins", "loses")`` picks a word for a rendered sentence. Nothing here is clever on purpose:
the point is that the check stands in the same cell as the number, where a reader sees both.
"""

from __future__ import annotations

from .i18n import tr

__all__ = ["ClaimError", "claim", "choose", "say"]


class ClaimError(AssertionError):
    """A sentence of the notebook's text is no longer true of this run's numbers."""


def claim(condition, sentence: str, **values) -> None:
    """Check that ``sentence`` (which the notebook's text states) holds for this run.

    ``condition`` is the sentence as a boolean expression of the computed values; ``values`` (optional) are shown
    in the error, so that a failure says what was measured instead of just "assert failed"."""
    if not isinstance(sentence, str) or not sentence:
        raise TypeError("claim(condition, sentence): the sentence is the text being checked, a non-empty string")
    if not bool(condition):
        shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
        measured = f" ({shown})" if shown else ""
        raise ClaimError(f"the text says {sentence!r}, but this run does not support it{measured}")


def choose(condition, if_true: str, if_false: str) -> str:
    """``if_true`` if ``condition`` else ``if_false``: a word of a rendered sentence chosen by the run."""
    return if_true if bool(condition) else if_false


def say(markdown: str, ru: str | None = None) -> None:
    """Show ``markdown`` (usually an f-string of computed values) as the cell's rendered output.

    ``ru`` is the same sentence in Russian, shown instead when the notebook's language is Russian
    (:func:`adlib.course.i18n.set_language`); without it, the Russian edition shows the English sentence.
    In a notebook this displays Markdown (maths included); elsewhere (a script, a test) it prints the text."""
    if not isinstance(markdown, str) or not (ru is None or isinstance(ru, str)):
        raise TypeError("say(markdown, ru=None): the sentence and its Russian version are strings")
    if ru is not None:
        markdown = tr(markdown, ru)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python without IPython: the text is still the run's own
        print(markdown)
        return
    if get_ipython() is None:
        print(markdown)
    else:
        display(Markdown(markdown))
