"""``import adlib.numpy as anp``: NumPy's names, differentiable by adlib.

Write the function you want to differentiate with ``anp`` instead of ``np``; everything else (shapes,
broadcasting, indexing, operators) works as in NumPy. The derivative rules are in ``rules.py``.
"""

from . import linalg, rules  # noqa: F401  (rules fills in the derivative rules of the primitives)
from .numpy_wrapper import *  # noqa: F403
from .numpy_wrapper import __getattr__  # noqa: F401  (a helpful error for NumPy functions without rules)
