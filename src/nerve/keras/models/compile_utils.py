"""What ``compile`` turns its arguments into: one loss callable and one metrics container.

``CompiledLoss(y_pred, y_true, sample_weight=None)`` takes PyTorch's argument
order, so it is the ``loss_fn`` of ``nerve.training.train_step``. Metrics are
resolved at the first batch, when the shapes are known ('accuracy' becomes
binary, categorical or sparse categorical accuracy by Keras' rule).
"""
from __future__ import annotations

from ..._backend import np
from ...nn.modules.module import Module
from ...tensor import Tensor
from .. import losses as _losses
from .. import metrics as _metrics

__all__ = ["CompiledLoss", "CompiledMetrics", "resolve_accuracy"]


def _raw(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _as_list(y, names, what):
    """Per-output list from a list/tuple/dict (keyed by output names)/single value."""
    if isinstance(y, dict):
        missing = [n for n in names if n not in y]
        if missing:
            extra = sorted(str(k) for k in y if k not in names)
            raise ValueError(f"{what}: dict is missing output name(s) {missing}; the model's outputs are {names}"
                             + (f" (unknown key(s): {extra})" if extra else ""))
        return [y[n] for n in names]
    if isinstance(y, (list, tuple)):
        if len(y) != len(names):
            raise ValueError(f"{what}: got {len(y)} entries for a model with {len(names)} outputs ({names})")
        return list(y)
    if what == "y" and len(names) > 1:
        raise ValueError(f"y: the model has {len(names)} outputs ({names}) but y is a single array; pass one "
                         "target array per output, as a list in output order or a dict keyed by output name")
    return [y]


class CompiledLoss:
    """The compiled loss: one Keras loss per output, weighted and summed.

    Args:
        loss: a loss identifier, or a list / dict (by output name) of them.
        loss_weights: list / dict of per-output weights.
        output_names: the model's output names (for dicts and multi-output logs).
    """

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.spec = loss
        self.loss_weights = loss_weights
        self.output_names = list(output_names or ["output"])
        self.per_output = None          # last values per output (multi-output logs)
        self._build()

    def _build(self):
        names = self.output_names
        loss = self.spec
        n = len(names)
        if isinstance(loss, dict):
            unknown = [k for k in loss if k not in names]
            if unknown:
                raise ValueError(f"compile(loss=...): unknown output name(s) {unknown}; the outputs are {names}")
            specs = [loss.get(k) for k in names]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != n:
                raise ValueError(f"compile(loss=...): got {len(loss)} losses for a model with {n} outputs ({names})")
            specs = list(loss)
        else:
            specs = [loss] * n
        self.fns = []
        self.torch_style = []
        for s in specs:
            if s is None:
                self.fns.append(None)
                self.torch_style.append(False)
            elif isinstance(s, Module):      # an nn loss module: loss(input, target)
                self.fns.append(s)
                self.torch_style.append(True)
            else:
                self.fns.append(_losses.as_loss_object(s))
                self.torch_style.append(False)
        w = self.loss_weights
        if w is None:
            self.weights = [1.0] * n
        elif isinstance(w, dict):
            self.weights = [float(w.get(k, 1.0)) for k in names]
        else:
            if len(w) != n:
                raise ValueError(f"compile(loss_weights=...): got {len(w)} weights for {n} outputs")
            self.weights = [float(v) for v in w]
        self.single = n == 1
        self._fn0 = self.fns[0]
        self._torch0 = self.torch_style[0]

    def set_output_names(self, names):
        names = list(names)
        if names != self.output_names:
            self.output_names = names
            self._build()

    def _one(self, i, y_pred, y_true, sample_weight):
        fn = self.fns[i]
        if self.torch_style[i]:
            if sample_weight is not None:
                raise ValueError("sample_weight/class_weight need a Keras loss; a nerve.nn loss module "
                                 "takes no per-sample weights")
            return fn(y_pred, y_true)
        return fn(y_true, y_pred, sample_weight)

    def __call__(self, y_pred, y_true, sample_weight=None):
        if self.single and not isinstance(y_pred, (list, tuple, dict)):
            if self._fn0 is None:
                return None
            if y_true is None:
                raise ValueError("The model was compiled with a loss but no targets were given: pass `y` "
                                 "to fit/evaluate (or (x, y) batches)")
            if self._torch0:
                if sample_weight is not None:
                    return self._one(0, y_pred, y_true, sample_weight)
                return self._fn0(y_pred, y_true)
            return self._fn0(y_true, y_pred, sample_weight)
        preds = _as_list(y_pred, self.output_names, "model outputs")
        if len(preds) != len(self.fns):
            self.set_output_names([f"output_{i}" for i in range(len(preds))])
        trues = _as_list(y_true, self.output_names, "y") if y_true is not None else [None] * len(preds)
        total = None
        per = []
        for i, (p, t) in enumerate(zip(preds, trues)):
            if self.fns[i] is None:
                per.append(None)
                continue
            if t is None:
                raise ValueError(f"no target given for output {self.output_names[i]!r}")
            v = self._one(i, p, t, sample_weight)
            per.append(v)
            v = v * self.weights[i] if self.weights[i] != 1.0 else v
            total = v if total is None else total + v
        self.per_output = per
        return total

    def get_config(self):
        def ser(s):
            if isinstance(s, Module):
                return None
            return _losses.serialize(s) if not isinstance(s, str) else s
        spec = self.spec
        if isinstance(spec, dict):
            spec = {k: ser(v) for k, v in spec.items()}
        elif isinstance(spec, (list, tuple)):
            spec = [ser(v) for v in spec]
        else:
            spec = ser(spec)
        return {"loss": spec, "loss_weights": self.loss_weights}


def resolve_accuracy(name, y_true, y_pred, threshold=0.5):
    """Keras' rule for ``'accuracy'``/``'acc'``: binary when the output has one unit, sparse when the
    labels have a lower rank (or one column against several units), categorical otherwise."""
    t, p = _raw(y_true), _raw(y_pred)
    p_last = p.shape[-1] if p.ndim else 1
    t_last = t.shape[-1] if t.ndim else 1
    if p_last == 1:
        return _metrics.BinaryAccuracy(name=name, threshold=threshold)
    if t.ndim < p.ndim or (t_last == 1 and p_last > 1):
        return _metrics.SparseCategoricalAccuracy(name=name)
    return _metrics.CategoricalAccuracy(name=name)


def _metric_name(identifier, obj):
    if isinstance(identifier, str):
        return identifier
    return obj.name


def _make_metric(identifier, y_true, y_pred):
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return resolve_accuracy(identifier, y_true, y_pred)
    obj = _metrics.get(identifier)
    if isinstance(identifier, str):
        obj.name = identifier
    return obj


class CompiledMetrics:
    """The metrics of ``compile``, built at the first batch; updated on raw arrays (no graph).

    Args:
        metrics: list (applied to every output), list of lists or dict by output name.
        weighted_metrics: the same, but these use ``sample_weight``.
        output_names: the model's output names.
    """

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self.spec, self.weighted_spec = metrics, weighted_metrics
        self.output_names = list(output_names or ["output"])
        self.built = False
        self.entries = []      # (output index, metric, weighted)

    @staticmethod
    def _per_output(spec, names, what):
        n = len(names)
        if spec is None:
            return [[] for _ in range(n)]
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in names]
            if unknown:
                raise ValueError(f"compile({what}=...): unknown output name(s) {unknown}; the outputs are {names}")
            out = []
            for k in names:
                v = spec.get(k, [])
                out.append(list(v) if isinstance(v, (list, tuple)) else [v])
            return out
        if not isinstance(spec, (list, tuple)):
            spec = [spec]
        if n > 1 and spec and all(isinstance(v, (list, tuple)) for v in spec):
            if len(spec) != n:
                raise ValueError(f"compile({what}=...): got {len(spec)} metric lists for {n} outputs")
            return [list(v) for v in spec]
        return [list(spec) for _ in range(n)]

    def check(self):
        """Validate metric identifiers at compile time (unknown names raise at once)."""
        for spec in (self.spec, self.weighted_spec):
            for lst in self._per_output(spec, self.output_names, "metrics"):
                for ident in lst:
                    if isinstance(ident, str) and ident.lower() in ("accuracy", "acc"):
                        continue
                    _metrics.get(ident)

    def build(self, y_true, y_pred):
        multi = isinstance(y_pred, (list, tuple, dict))
        preds = _as_list(y_pred, self.output_names, "model outputs") if multi else [y_pred]
        if multi and len(preds) != len(self.output_names):
            self.output_names = [f"output_{i}" for i in range(len(preds))]
        trues = _as_list(y_true, self.output_names, "y") if multi else [y_true]
        self.entries = []
        seen = set()
        for weighted, spec in ((False, self.spec), (True, self.weighted_spec)):
            for i, lst in enumerate(self._per_output(spec, self.output_names, "metrics")):
                for ident in lst:
                    if ident is None:
                        continue
                    m = _make_metric(ident, trues[i], preds[i])
                    name = _metric_name(ident, m)
                    if weighted and self.spec is not None and name in seen:
                        name = "weighted_" + name
                    if multi and len(self.output_names) > 1:
                        name = f"{self.output_names[i]}_{name}"
                    m.name = name
                    seen.add(name)
                    self.entries.append((i, m, weighted))
        self.multi = multi
        self.built = True

    def update(self, y_true, y_pred, sample_weight=None):
        if not self.entries:
            return
        if self.multi:
            preds = _as_list(y_pred, self.output_names, "model outputs")
            trues = _as_list(y_true, self.output_names, "y")
        else:
            preds, trues = (y_pred,), (y_true,)
        for i, m, weighted in self.entries:
            m.update_state(trues[i], preds[i], sample_weight if weighted else None)

    @property
    def metrics(self):
        return [m for _, m, _ in self.entries]

    def reset(self):
        for _, m, _ in self.entries:
            m.reset_state()

    def get_config(self):
        def ser(v):
            if isinstance(v, (list, tuple)):
                return [ser(x) for x in v]
            if isinstance(v, dict):
                return {k: ser(x) for k, x in v.items()}
            return v if isinstance(v, str) else _metrics.serialize(v)
        return {"metrics": ser(self.spec), "weighted_metrics": ser(self.weighted_spec)}
