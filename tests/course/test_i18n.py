"""The notebooks' language (adlib.course.i18n): English by default, Russian in notebooks/ru/ (its install cell calls
set_language("ru")). Every string a course module draws or prints is chosen by tr(english, russian), or by the
module function's ``lang=`` for one call; the English default never changes what the English notebooks show."""

import pytest

from adlib.course import i18n
from adlib.course.claims import say


@pytest.fixture
def russian(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")  # restored after the test
    i18n.set_language("ru")


def test_english_is_the_default_and_tr_follows_the_language(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    assert i18n.language() == "en" and i18n.tr("tangent", "касательная") == "tangent"
    assert i18n.tr("tangent", "касательная", lang="ru") == "касательная"
    i18n.set_language("ru")
    assert i18n.language() == "ru" and i18n.tr("tangent", "касательная") == "касательная"
    assert i18n.tr("tangent", "касательная", lang="en") == "tangent"
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.set_language("de")
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.tr("a", "б", lang="fr")
    assert i18n.language() == "ru", "a refused language leaves the current one"


def test_say_shows_the_russian_sentence_in_the_russian_edition(capsys, russian):
    say("reverse mode wins by **37×**", ru="обратный режим быстрее в **37** раз")
    assert capsys.readouterr().out == "обратный режим быстрее в **37** раз\n"
    say("slope **2.0**")  # no Russian version: the English one (tools/ru_sync.py --check reports it)
    assert capsys.readouterr().out == "slope **2.0**\n"


def test_say_shows_the_english_sentence_by_default(capsys, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    say("reverse mode wins by **37×**", ru="обратный режим быстрее в **37** раз")
    assert capsys.readouterr().out == "reverse mode wins by **37×**\n"
    with pytest.raises(TypeError, match="strings"):
        say("x", ru=3)
