"""Which package versions this run tests. `make test` runs the suite twice: test-main in .venv (the newest
releases pyproject.toml admits, ipywidgets 8 for JupyterLab) and test-colab in .venv-colab, which sets
ADLIB_STACK=colab and must really have Google Colab's versions (.ci/colab-constraints.txt), or the Colab half would
silently test the wrong thing."""

import os
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

CONSTRAINTS = Path(__file__).resolve().parents[2] / ".ci" / "colab-constraints.txt"
# a version Colab ships, and the next release, which the pin must refuse
COLAB = {"ipywidgets": ("7.7.1", "7.7.2"), "jax": ("0.7.2", "0.8.0"), "jaxlib": ("0.7.2", "0.8.0"),
         "numpy": ("2.1.3", "2.2.0"), "matplotlib": ("3.10.0", "3.11.0")}


def _constraints():
    lines = [line.split("#")[0].strip() for line in CONSTRAINTS.read_text().splitlines()]
    return [Requirement(line) for line in lines if line]


def test_constraints_pin_what_colab_ships():
    pins = {r.name: r.specifier for r in _constraints()}
    assert set(pins) == set(COLAB), pins
    for name, (colab, newer) in COLAB.items():
        assert pins[name].contains(colab), f"{name}: {pins[name]} does not admit Colab's {colab}"
        assert not pins[name].contains(newer), f"{name}: {pins[name]} admits {newer}, newer than Colab's"


def test_installed_versions_are_the_stack_under_test():
    installed = {name: version(name) for name in COLAB}
    if os.environ.get("ADLIB_STACK") == "colab":
        for requirement in _constraints():
            assert requirement.specifier.contains(installed[requirement.name]), (
                f"test-colab runs {requirement.name} {installed[requirement.name]}, not Colab's {requirement}"
            )
    else:
        assert int(installed["ipywidgets"].split(".")[0]) >= 8, (
            f"the main stack should run ipywidgets 8 (JupyterLab's front end), not {installed['ipywidgets']}; "
            "set ADLIB_STACK=colab for the Colab environment"
        )
