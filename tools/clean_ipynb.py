"""Drop the per-run noise that executing a notebook leaves in its .ipynb, so that re-running `make notebooks`
on an unchanged notebook gives a small diff: the cell `execution` timestamps (nbclient) and the `ExecuteTime`
of the classic notebook. Outputs, execution counts and all other metadata are kept.

Before the timestamps go, their span (the first cell's start to the last cell's reply, kernel start-up excluded)
is kept once, rounded to whole seconds, as the notebook's `execution_seconds` metadata: the runtime that the
course index in the README shows (`tools/course_index.py`).

Usage: python tools/clean_ipynb.py NOTEBOOK.ipynb [...]
"""

import sys
from datetime import datetime

import nbformat

VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")


def execution_seconds(nb):
    """Seconds from the first cell's ``iopub.execute_input`` to the last ``shell.execute_reply``, or None if the
    notebook carries no nbclient timestamps."""
    starts, ends = [], []
    for cell in nb.cells:
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            starts.append(datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00")))
            ends.append(datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00")))
    if not starts:
        return None
    return (max(ends) - min(starts)).total_seconds()


def clean(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    seconds = execution_seconds(nb)
    if seconds is not None:
        nb.metadata["execution_seconds"] = max(1, round(seconds))
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        clean(path)
