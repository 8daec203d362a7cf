"""Pytrees, as in JAX: nested tuples, lists, dicts (and namedtuples, OrderedDicts) whose leaves are arrays; ``None``
is an empty subtree (no leaves). ``grad`` of a function of a list of weight matrices returns a list of gradients of
the same shapes."""

from collections import OrderedDict

__all__ = ["tree_flatten", "tree_unflatten", "tree_map"]

_NONE = (type(None),)  # the treedef of None: a node without leaves


def tree_flatten(tree):
    """``(leaves, treedef)``: the leaves in order, and a description of the containers around them."""
    if tree is not None and not isinstance(tree, tuple | list | dict):  # fast paths for the common cases: one array,
        return [tree], None
    if type(tree) is tuple and not any(x is None or isinstance(x, tuple | list | dict) for x in tree):  # arrays
        return list(tree), (tuple, (None,) * len(tree))
    leaves = []

    def walk(x):
        if x is None:
            return _NONE
        if isinstance(x, tuple | list):
            return (type(x), tuple(walk(c) for c in x))
        if isinstance(x, dict):
            ordered = type(x) is OrderedDict
            keys = list(x) if ordered else sorted(x)  # as JAX: dict keys sorted, an OrderedDict's kept in order
            return (OrderedDict if ordered else dict, tuple(keys), tuple(walk(x[k]) for k in keys))
        leaves.append(x)
        return None

    return leaves, walk(tree)


def tree_unflatten(treedef, leaves):
    if treedef is None:
        return leaves[0]
    if treedef[0] is tuple and not any(treedef[1]):  # a flat tuple
        return tuple(leaves)
    it = iter(leaves)

    def build(d):
        if d is None:
            return next(it)
        if d == _NONE:
            return None
        if d[0] is dict or d[0] is OrderedDict:
            return d[0]((k, build(c)) for k, c in zip(d[1], d[2]))
        children = [build(c) for c in d[1]]
        return d[0](*children) if hasattr(d[0], "_fields") else d[0](children)  # a namedtuple takes them one by one

    return build(treedef)


def tree_map(f, tree, *rest):
    leaves, treedef = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others)])
