"""pyproject.toml and environment.yml describe the same environment, and the distribution is not PyPI's `adlib`."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _names(requirements):
    return {re.split(r"[<>=!\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def _dev_requirements():
    extras = PYPROJECT["project"]["optional-dependencies"]
    seen, todo, names = set(), ["dev"], set(_names(PYPROJECT["project"]["dependencies"]))
    while todo:
        extra = todo.pop()
        seen.add(extra)
        for req in extras[extra]:
            inner = re.fullmatch(r"adlib-course\[([a-z,]+)\]", req)
            if inner:
                todo += [e for e in inner.group(1).split(",") if e not in seen]
            else:
                names |= _names([req])
    return names


def test_distribution_is_not_pypis_adlib():
    assert PYPROJECT["project"]["name"] != "adlib"


def test_environment_yml_lists_every_dev_requirement():
    listed = set(re.findall(r"^\s+- (?:-e )?([A-Za-z][A-Za-z0-9_.-]*)", (ROOT / "environment.yml").read_text(), re.M))
    missing = _dev_requirements() - {n.lower() for n in listed}
    assert not missing, f"in pyproject.toml's dev extra but not in environment.yml: {sorted(missing)}"
