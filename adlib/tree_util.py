"""Pytrees, as in JAX: nested tuples, lists and dicts whose leaves are arrays. ``grad`` of a function of a list of
weight matrices returns a list of gradients of the same shapes."""

__all__ = ["tree_flatten", "tree_unflatten", "tree_map"]


def tree_flatten(tree):
    """``(leaves, treedef)``: the leaves in order, and a description of the containers around them."""
    if not isinstance(tree, tuple | list | dict):  # fast paths for the common cases: one array,
        return [tree], None
    if type(tree) is tuple and not any(isinstance(x, tuple | list | dict) for x in tree):  # a tuple of arrays
        return list(tree), (tuple, (None,) * len(tree))
    leaves = []

    def walk(x):
        if isinstance(x, tuple | list):
            return (type(x), tuple(walk(c) for c in x))
        if isinstance(x, dict):
            keys = sorted(x)
            return (dict, tuple(keys), tuple(walk(x[k]) for k in keys))
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
        if d[0] is dict:
            return {k: build(c) for k, c in zip(d[1], d[2])}
        return d[0](build(c) for c in d[1])

    return build(treedef)


def tree_map(f, tree, *rest):
    leaves, treedef = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others)])
