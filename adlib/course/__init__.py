"""adlib.course — the lecture's material that is not automatic differentiation itself.

The AD library is ``adlib`` (NumPy only). This subpackage holds what the notebooks use around it: for now
``claims`` (tying the notebooks' sentences to the numbers they are about); the experiments, plots and widgets
move here with the library/course split.
"""
