"""``model.summary()``: the Keras table of layers, output shapes and parameter counts."""
from __future__ import annotations


from ..layers.base import Layer

__all__ = ["print_summary", "readable_memory_size"]


def readable_memory_size(nbytes):
    """``196.25 KB``-style sizes (powers of 1024), as Keras prints them."""
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    i = 0
    size = float(nbytes)
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.2f} {units[i]}"


def _shape_str(shape):
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k}: {_shape_str(v)}" for k, v in shape.items()) + "}"
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_str(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _count(layer):
    if isinstance(layer, Layer):
        if not layer.built:
            return None
        return layer.count_params()
    return int(sum(p._data.size for p in layer.parameters()) + sum(b._data.size for b in layer.buffers()))


def _row(cells, positions):
    line = ""
    for i, text in enumerate(cells):
        if line and not line.endswith(" "):
            line += " "   # the previous cell filled its column: keep one space
        line = (line + str(text)).ljust(positions[i])
    return line.rstrip()


def _connected_to(model, layer):
    out = []
    for node in getattr(model, "_nodes", []):
        if node.layer is not layer:
            continue
        for t in node.input_tensors:
            src = t._node.layer
            out.append(f"{src.name}[{src._inbound_nodes.index(t._node)}][{t._index}]")
    return out


def print_summary(model, line_length=None, positions=None, print_fn=None, show_trainable=False):
    """Print (or pass to ``print_fn``, line by line) the model's summary table."""
    from .functional import Functional
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by calling the "
            "model on a batch of data (or give the first layer an input shape / start with keras.Input).")
    print_fn = print_fn or print
    functional = isinstance(model, Functional)
    line_length = line_length or (98 if functional else 65)
    fractions = positions or ([0.33, 0.55, 0.67, 1.0] if functional else [0.45, 0.85, 1.0])
    if fractions[-1] <= 1:
        positions = [int(line_length * p) for p in fractions]
    else:
        positions = list(fractions)
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    lines = [f'Model: "{model.name}"', "_" * line_length, " " + _row(header, positions), "=" * line_length]
    for layer in model.layers:
        name = getattr(layer, "name", None) or type(layer).__name__.lower()
        title = f"{name} ({type(layer).__name__})"
        shape = getattr(layer, "_output_shape", None) if isinstance(layer, Layer) else \
            model.__dict__.get("_module_shapes", {}).get(id(layer))
        if isinstance(layer, Layer) and layer.__class__.__name__ == "InputLayer":
            shape = layer.batch_shape
        n = _count(layer)
        cells = [title, _shape_str(shape), "0 (unbuilt)" if n is None else f"{n:,}"]
        if functional:
            conn = _connected_to(model, layer)
            cells.append(conn[0] if conn else "-")
            lines.append(" " + _row(cells, positions))
            for extra in conn[1:]:
                lines.append(" " + _row(["", "", "", extra], positions))
        else:
            lines.append(" " + _row(cells, positions))
    weights = model.weights
    trainable = [w for w in model.trainable_weights]
    tid = {id(w) for w in trainable}
    non_trainable = [w for w in weights if id(w) not in tid]

    def stat(ws):
        n = sum(int(w._data.size) for w in ws)
        b = sum(int(w._data.nbytes) for w in ws)
        return f"{n:,} ({readable_memory_size(b)})"
    lines += ["=" * line_length,
              f"Total params: {stat(weights)}",
              f"Trainable params: {stat(trainable)}",
              f"Non-trainable params: {stat(non_trainable)}",
              "_" * line_length]
    for line in lines:
        print_fn(line)
