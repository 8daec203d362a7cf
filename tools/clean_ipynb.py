"""Drop the per-run noise that executing a notebook leaves in its .ipynb, so that re-running `make notebooks`
on an unchanged notebook gives a small diff: the cell `execution` timestamps (nbclient) and the `ExecuteTime`
of the classic notebook. Outputs, execution counts and all other metadata are kept.

Usage: python tools/clean_ipynb.py NOTEBOOK.ipynb [...]
"""

import sys

import nbformat

VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")


def clean(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        clean(path)
