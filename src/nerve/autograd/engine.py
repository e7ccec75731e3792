"""The backward pass: the chain rule over the recorded graph.

The graph is a DAG of ``Function`` nodes (each tensor made by an op points to
its node through ``_ctx``; each node holds its input tensors). ``backward``
first counts, for every node reachable from the roots, how many consumers it
has; then it processes nodes whose consumers are all done (Kahn's algorithm).
It is iterative, so a chain of any length works without recursion, and each
node's gradient is summed once before its ``backward`` runs.
"""
from __future__ import annotations

from .._backend import loud, np, quiet
from .grad_mode import _enabled
from .version import _epoch, overlaps, written_since


def _freed_error(fn):
    return RuntimeError(
        f"Trying to backward through the graph a second time (at {type(fn).__name__}): its saved "
        "values were freed after the first backward. Pass retain_graph=True to the first "
        "backward() if you need to call it twice."
    )


def _modified_error(f, i, t, what="input"):
    shape = tuple(t._data.shape)
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [nerve.{t._data.dtype.name} tensor of shape {shape}], which is {what} {i} of "
        f"{f.name()}, was changed in place after {f.name()} saved it for backward. Hint: do the "
        "in-place change after backward(), or use an out-of-place op (x = x + y instead of x += y, "
        "or .clone() the tensor first).")


def _edges(f):
    """``[(tensor, producer)]`` of a node recorded before some in-place write.

    A tensor changed in place after ``f`` used it now points to a newer producer;
    ``f`` must still see the producer it was recorded with (PyTorch's edges are fixed
    at record time); ``tensor`` is None where the input did not require grad then (it
    gained it in place later), so nothing is accumulated into it. The saved values ``f``
    reads must not have changed.
    """
    writes = written_since(f._epoch)
    if writes:
        ins = f.inputs
        for i in f.saved_inputs():
            if overlaps(ins[i]._data, writes):
                raise _modified_error(f, i, ins[i])
        if f.save_output and f._out is not None:
            o = f._out()
            if o is not None and overlaps(o._data, writes):
                raise _modified_error(f, 0, o, "output")
    out = []
    for t in f.inputs:
        p = t._ctx
        meta = getattr(t, "_meta", None)
        if meta is not None and "rebinds" in meta:
            for epoch, old in meta["rebinds"]:   # oldest first
                if epoch > f._epoch:
                    p = old._ctx
                    if p is None and not old.requires_grad:
                        t = None     # it did not require grad when ``f`` used it: no gradient
                    break
        out.append((t, p))
    return out


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, inputs=None,
                 allow_unused=False):
    """Propagate ``root_grads`` from ``roots`` to the leaves.

    With ``inputs`` (a sequence of tensors) the gradients with respect to those
    tensors are returned instead of being accumulated into ``.grad``.
    """
    capture = None
    results = None
    if inputs is not None:
        capture = {id(t): i for i, t in enumerate(inputs)}
        results = [None] * len(inputs)

    prev_mode = _enabled[0]
    _enabled[0] = bool(create_graph)
    tok = quiet()     # IEEE values (inf, nan) without NumPy's RuntimeWarnings, as in PyTorch
    try:
        grads = {}
        starts = []
        for r, g in zip(roots, root_grads):
            if capture is not None and id(r) in capture:
                i = capture[id(r)]
                results[i] = g if results[i] is None else results[i] + g
            fn = r._ctx
            if fn is None:
                if capture is None and r.requires_grad:
                    _accumulate_leaf(r, g, g, create_graph)   # never alias the caller's gradient
                continue
            if fn in grads:
                grads[fn] = grads[fn] + g
            else:
                grads[fn] = g
                starts.append(fn)

        # Count each node's consumers inside the reachable graph.
        cur = _epoch[0]
        slow = {}           # node -> its edges, for nodes recorded before an in-place write
        deps = {}
        seen = set(starts)
        todo = list(starts)
        while todo:
            f = todo.pop()
            ins = f.inputs
            if ins is None:
                raise _freed_error(f)
            if f._epoch != cur:
                edges = slow[f] = _edges(f)
            else:
                edges = None
            for j, t in enumerate(ins):
                p = t._ctx if edges is None else edges[j][1]
                if p is not None:
                    deps[p] = deps.get(p, 0) + 1
                    if p not in seen:
                        seen.add(p)
                        todo.append(p)

        from .anomaly import _state as _anomaly
        anomaly = _anomaly[0]
        leaf_hooked = {}    # leaves with hooks: their summed gradient, hooked once at the end
        ready = [f for f in starts if f not in deps]
        capturing = capture is not None
        keep = not retain_graph
        while ready:
            f = ready.pop()
            g = grads.pop(f, None)
            ins = f.inputs
            if g is not None:
                kept = f.retained
                if kept is not None and not capturing:
                    t = kept()
                    if t is not None:   # g may also flow on to (or be shared with) other tensors: copy
                        _accumulate_leaf(t, g, g, create_graph)
                hooks = f._hooks
                if hooks is not None:
                    g = _run_hooks(hooks, g)
                gs = f.backward(g)
                if type(gs) is not tuple:
                    gs = (gs,)
                if anomaly:
                    from .anomaly import check_backward
                    check_backward(f, g, gs)
            else:
                gs = (None,) * len(ins)
            edges = slow.get(f) if slow else None
            for j, (t, gi) in enumerate(zip(ins, gs)):
                p = t._ctx if edges is None else edges[j][1]
                if gi is not None:
                    if gi._data.shape != t._data.shape:
                        raise RuntimeError(
                            f"internal error: {type(f).__name__}.backward returned a gradient of "
                            f"shape {gi._data.shape} for an input of shape {t._data.shape}"
                        )
                    if capturing and id(t) in capture:
                        i = capture[id(t)]
                        results[i] = gi if results[i] is None else results[i] + gi
                    if p is None:
                        if t.requires_grad and (edges is None or edges[j][0] is not None):
                            meta = getattr(t, "_meta", None)
                            if meta is not None and "hooks" in meta:
                                old = leaf_hooked.get(t)
                                leaf_hooked[t] = gi if old is None else old + gi
                            elif not capturing:
                                _accumulate_leaf(t, gi, g, create_graph)
                        continue
                    old = grads.get(p)
                    grads[p] = gi if old is None else old + gi
                elif p is None:
                    continue
                if keep and p.save_output:
                    # a producer whose backward reads its own output (Exp, Sigmoid, ...) holds
                    # only a weak reference to it: keep it alive until that producer has run
                    p._kept = t
                d = deps[p] - 1
                deps[p] = d
                if d == 0:
                    ready.append(p)
            if keep:
                f.__dict__.clear()   # frees inputs and saved arrays; marks the node as used
        for t, gi in leaf_hooked.items():
            gi = _run_hooks(t._meta["hooks"], gi)
            if capturing:
                if id(t) in capture:
                    results[capture[id(t)]] = gi
            else:
                _accumulate_leaf(t, gi, gi, create_graph)
    finally:
        loud(tok)
        _enabled[0] = prev_mode

    if capture is not None:
        for i, (t, r) in enumerate(zip(inputs, results)):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated tensors (input {i}, shape {tuple(t.shape)}) does not "
                    "appear in the graph of the outputs. Pass allow_unused=True if this is expected."
                )
            if r is not None and r._data.dtype != t._data.dtype:
                results[i] = type(r)._make(r._data.astype(t._data.dtype))
        return tuple(results)
    return None


def _run_hooks(hooks, g):
    for h in list(hooks.values()):
        r = h(g)
        if r is not None:
            if not hasattr(r, "_data"):
                raise TypeError(f"hook {getattr(h, '__name__', h)!r} returned {type(r).__name__}; a hook must "
                                "return a Tensor or None")
            if r._data.shape != g._data.shape:
                raise RuntimeError(
                    f"hook {getattr(h, '__name__', h)!r} returned a gradient of shape {tuple(r._data.shape)} "
                    f"for a tensor of shape {tuple(g._data.shape)}")
            g = r
    return g


def _accumulate_leaf(t, gi, upstream, create_graph):
    if create_graph:
        t._grad = gi if t._grad is None else t._grad + gi
        return
    data = gi._data
    # Leaf gradients must own their memory: optimizers and clip_grad_*_ update
    # them in place, and a backward may hand the same array (or a view of it)
    # to several inputs. NumPy gives scalars, not arrays, for 0-d arithmetic.
    if isinstance(data, np.generic):
        data = np.array(data, dtype=t._data.dtype)
    elif data is upstream._data or data.base is not None or data.dtype != t._data.dtype:
        data = data.astype(t._data.dtype, copy=True)
    if t._grad is not None:
        data = t._grad._data + data
        if isinstance(data, np.generic):
            data = np.array(data)
    t._grad = type(gi)._make(data)
