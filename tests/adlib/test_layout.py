"""The library's shape: `adlib` needs NumPy alone, and every primitive carries both of its rules."""

import subprocess
import sys
import textwrap

import adlib.numpy as anp
from adlib.core import Primitive

NOT_FOR_THE_LIBRARY = ["matplotlib", "scipy", "sympy", "jax", "IPython", "ipywidgets", "PIL", "tqdm"]


def test_every_library_module_imports_with_numpy_alone():
    """In a fresh interpreter where the course's dependencies cannot be imported, every module of adlib outside
    adlib.course imports, works, and pulls in none of them (nor adlib.course)."""
    script = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        BLOCKED = {NOT_FOR_THE_LIBRARY!r}

        class Blocker:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{{name}} is not available (blocked: the library must need NumPy alone)")

        sys.meta_path.insert(0, Blocker())
        import adlib

        names, todo = [], [adlib]
        while todo:  # every module and subpackage of adlib except adlib.course, imported one by one
            package = todo.pop()
            for m in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
                if m.name != "adlib.course":
                    names.append(m.name)
                    module = importlib.import_module(m.name)
                    if m.ispkg:
                        todo.append(module)
        import adlib.numpy as anp
        assert float(adlib.grad(lambda x: anp.sum(anp.sin(x) ** 2))(anp.ones(3)).sum()) > 0
        assert callable(adlib.checkpoint)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED or m.startswith("adlib.course"))
        assert not loaded, loaded
        print(len(names), "modules:", " ".join(names))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("adlib.core", "adlib.numpy.rules", "adlib.numpy.linalg", "adlib.differential_operators",
                 "adlib.custom", "adlib.extend", "adlib.testing", "adlib.tree_util"):
        assert name in run.stdout, (name, run.stdout)


def _primitives():
    from adlib.numpy import linalg
    from adlib.scipy import special

    modules = [anp.numpy_wrapper, linalg, special]
    return {p for m in modules for p in vars(m).values() if isinstance(p, Primitive)}


def test_every_primitive_has_a_forward_and_a_reverse_rule():
    prims = _primitives()
    assert len(prims) > 40
    for p in prims:
        if p.jvp_all is not None or p.vjp_all is not None:
            assert p.jvp_all is not None or any(r is not None for r in p.jvp), f"{p.name}: no forward rule"
            assert p.vjp_all is not None or any(r is not None for r in p.vjp), f"{p.name}: no reverse rule"
            continue
        assert len(p.jvp) == len(p.vjp), f"{p.name}: {len(p.jvp)} forward rules, {len(p.vjp)} reverse rules"
        for i, (f, r) in enumerate(zip(p.jvp, p.vjp)):
            assert (f is None) == (r is None), f"{p.name}, argument {i}: one mode has a rule, the other not"
        assert any(r is not None for r in p.vjp), f"{p.name}: differentiable in no argument"
