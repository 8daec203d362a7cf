"""JAX for the cross-checks: float64, ``jax.numpy`` under adlib's names, and quick compilation.

XLA compiles every JAX computation, and for the small functions of the tests compiling takes far longer than
running: ``jit`` below asks XLA to optimize less (the results do not change), if this version of XLA knows how.
"""

import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import jax.numpy as jnp  # noqa: E402
import jax.scipy.special  # noqa: E402


class _JaxNumpy:
    """``jax.numpy`` under the names of ``adlib.numpy`` (which also has ``logsumexp``)."""

    logsumexp = staticmethod(jax.scipy.special.logsumexp)
    scipy_special = jax.scipy.special  # what adlib.scipy.special is to adlib.numpy (the cases of issue 18)

    def __getattr__(self, name):
        return getattr(jnp, name)


JNP = _JaxNumpy()


def _quick_compiler_options():
    options = {"xla_backend_optimization_level": 0, "xla_cpu_use_fusion_emitters": False}
    try:
        jax.jit(lambda x: x + 1.0, compiler_options=options)(0.0)
    except Exception:  # an older or newer XLA without these options: compile as usual
        return None
    return options


COMPILER_OPTIONS = _quick_compiler_options()


def jit(f, **kwargs):
    """``jax.jit``, compiling quickly."""
    return jax.jit(f, compiler_options=COMPILER_OPTIONS, **kwargs)


def differentiates(f, *args):
    """Whether this JAX release can differentiate ``f`` at ``args`` (older ones lack a few rules)."""
    try:
        jax.jacfwd(f)(*args)
    except NotImplementedError:
        return False
    return True


# The QR of a wide matrix (m < n): JAX 0.7 (Google Colab's) has no derivative for it ("Unimplemented case of QR
# decomposition derivative"). Where it has none, adlib's wide QR is checked against finite differences only
# (check_grads, to order 2), never against JAX.
WIDE_QR = differentiates(lambda a: jnp.linalg.qr(a)[1], jnp.arange(6.0).reshape(2, 3) + jnp.eye(2, 3))
NOT_IN_THIS_JAX = set() if WIDE_QR else {"linalg-qr-wide-batch"}
