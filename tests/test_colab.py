"""Colab: what a student's Colab gets. The package installed from git (not editable: the wheel pip builds from the
repository) carries every adlib module and its data, and works from a directory that is not a checkout (Colab's
cwd is /content)."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from adlib import mds

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "adlib"
CITIES = "adlib/data/european_cities.csv"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel of the working tree, built like pip builds the git checkout in Colab, from a copy (no build/ or
    egg-info in the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(PACKAGE, source / "adlib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
         str(source)],
        capture_output=True, text=True, cwd=tmp, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert run.returncode == 0, f"pip wheel failed:\n{run.stdout}\n{run.stderr}"
    (built,) = (tmp / "dist").glob("adlib_course-*.whl")
    return built


def test_wheel_has_every_module_and_the_city_table(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules, "no adlib/*.py found"
    assert "adlib/numpy/__init__.py" in modules
    missing = sorted(modules - names)
    assert not missing, f"the wheel lacks {missing}: check [tool.setuptools.packages.find] in pyproject.toml"
    assert CITIES in names, "the city table is not package data: check [tool.setuptools.package-data]"
    assert (ROOT / CITIES).read_bytes() == zipfile.ZipFile(wheel).read(CITIES)


def test_installed_wheel_loads_the_cities_outside_the_repository(wheel, tmp_path):
    target, elsewhere = tmp_path / "site-packages", tmp_path / "content"
    elsewhere.mkdir()
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    script = "import adlib, adlib.mds; print(adlib.__file__); print(len(adlib.mds.load_cities()['name']))"
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(target)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    where, count = run.stdout.split()
    assert Path(where).is_relative_to(target), f"imported adlib from {where}, not from the installed wheel"
    assert int(count) == len(mds.load_cities()["name"]) == 34


def test_city_table_is_package_data_with_one_copy():
    assert mds.CITIES_CSV.is_file() and Path(mds.CITIES_CSV) == ROOT / CITIES
    copies = [p for p in ROOT.rglob("european_cities.csv") if not {".venv", ".venv-colab", "build"} & set(p.parts)]
    assert copies == [ROOT / CITIES], f"one copy of the city table, in the package: {copies}"


def test_load_cities_accepts_paths_and_rejects_other_things(tmp_path):
    table = tmp_path / "cities.csv"
    table.write_text("# two cities\nname,country,latitude,longitude,population\nA,X,0,0,2000000\nB,Y,1,1,3000000\n")
    assert list(mds.load_cities(str(table))["name"]) == ["B", "A"]
    assert list(mds.load_cities(table)["name"]) == ["B", "A"]
    with pytest.raises(FileNotFoundError, match="no city table"):
        mds.load_cities(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match="path must be"):
        mds.load_cities(42)
