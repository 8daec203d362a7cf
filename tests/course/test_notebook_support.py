"""adlib.course.claims (run-dependent sentences fail loudly when a rerun breaks them) and adlib.course.projector
(figure text readable on a 1280×720 slide)."""

import pytest

from adlib.course.claims import ClaimError, choose, claim, say


def test_a_true_claim_passes_silently(capsys):
    assert claim(3 > 2, "three is more than two") is None
    assert capsys.readouterr().out == ""


def test_a_false_claim_names_the_sentence_and_the_values():
    with pytest.raises(ClaimError, match=r"the text says 'reverse mode wins'.*ratio = 0\.5"):
        claim(0.5 > 1, "reverse mode wins", ratio=0.5)


def test_a_claim_error_is_an_assertion_error():
    # nbmake and pytest report it like a failed assert
    with pytest.raises(AssertionError):
        claim(False, "anything")


def test_numpy_booleans_count():
    np = pytest.importorskip("numpy")
    claim(np.float64(2.0) > 1, "numpy comparison true")
    with pytest.raises(ClaimError):
        claim(np.bool_(False), "numpy false")


@pytest.mark.parametrize("sentence", ["", None, 3])
def test_the_sentence_must_be_text(sentence):
    with pytest.raises(TypeError, match="non-empty string"):
        claim(True, sentence)


def test_choose_picks_by_the_condition():
    assert choose(1 < 2, "wins", "loses") == "wins"
    assert choose(1 > 2, "wins", "loses") == "loses"


def test_say_outside_a_notebook_prints_the_text(capsys):
    say("slope **2.0**")
    assert capsys.readouterr().out == "slope **2.0**\n"


# ---- adlib.course.projector: figure text readable on a 1280×720 slide ----

def test_projector_style_makes_default_figures_readable():
    plt = pytest.importorskip("matplotlib.pyplot")
    from adlib.course import projector

    with plt.rc_context():
        projector.use()
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.plot([1, 2, 3], label="a line")
        ax.set(title="title", xlabel="x", ylabel="y")
        ax.legend()
        projector.check_readable(fig)
        points, _ = projector.smallest_text(fig)
        assert points >= 10
        plt.close(fig)


def test_projector_refuses_tiny_labels_and_too_wide_figures():
    plt = pytest.importorskip("matplotlib.pyplot")
    from adlib.course import projector

    with plt.rc_context():
        projector.use()
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.text(0.5, 0.5, "tiny", fontsize=5)
        with pytest.raises(ValueError, match="'tiny' would be 5.2 pt"):
            projector.check_readable(fig)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(24, 4), dpi=100)  # 2400 px: the deck shrinks it by half
        ax.set_title("shrunk")
        with pytest.raises(ValueError, match="24.0 in wide"):
            projector.check_readable(fig)
        plt.close(fig)
