"""Synthetic toy datasets (2-D classification), pure NumPy.

Signatures and semantics follow scikit-learn where it has the function
(``make_moons``, ``make_circles``, ``make_blobs``). All return ``X`` float32
and ``y`` int64. ``random_state`` may be ``None``, an int seed, a
:class:`numpy.random.Generator` or a legacy :class:`numpy.random.RandomState`.
"""

from __future__ import annotations

import numbers
from typing import Optional, Sequence, Tuple, Union

from .._backend import np

__all__ = ["make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs"]

RandomState = Union[None, int, np.random.Generator, np.random.RandomState]


def check_random_state(random_state: RandomState):
    """Turn ``None`` / int / Generator / RandomState into a random generator.

    Example:
        >>> rng = check_random_state(0)
        >>> isinstance(rng, np.random.Generator)
        True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"random_state must be None, an int, a numpy Generator or RandomState, got {type(random_state).__name__}"
    )


def _split_two(n_samples, name: str) -> Tuple[int, int]:
    """sklearn convention: int -> (n // 2, n - n // 2); pair -> as given."""
    if isinstance(n_samples, numbers.Integral):
        n = int(n_samples)
        if n < 0:
            raise ValueError(f"{name}: n_samples must be >= 0, got {n}")
        return n // 2, n - n // 2
    try:
        a, b = n_samples
    except (TypeError, ValueError):
        raise ValueError(f"{name}: n_samples must be an int or a pair of ints, got {n_samples!r}") from None
    return int(a), int(b)


def _finish(X: np.ndarray, y: np.ndarray, rng, shuffle: bool, noise: Optional[float]):
    if shuffle:
        perm = rng.permutation(len(y))
        X, y = X[perm], y[perm]
    if noise is not None and noise != 0:
        if noise < 0:
            raise ValueError(f"noise must be >= 0, got {noise}")
        X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(np.float32), y.astype(np.int64)


def make_moons(
    n_samples: Union[int, Tuple[int, int]] = 100,
    *,
    shuffle: bool = True,
    noise: Optional[float] = None,
    random_state: RandomState = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn semantics).

    Args:
        n_samples: total number of points, split evenly (the lower moon gets
            the extra one), or a pair ``(n_upper, n_lower)``.
        shuffle: shuffle the samples.
        noise: standard deviation of Gaussian noise added to the points.
        random_state: seed, Generator or None.

    Returns:
        ``X`` float32 ``(n_samples, 2)``, ``y`` int64 in {0, 1} (0 = upper moon).

    Example:
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> X.shape, sorted(set(y.tolist()))
        ((200, 2), [0, 1])
    """
    n_out, n_in = _split_two(n_samples, "make_moons")
    rng = check_random_state(random_state)
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
    ])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, rng, shuffle, noise)


def make_circles(
    n_samples: Union[int, Tuple[int, int]] = 100,
    *,
    shuffle: bool = True,
    noise: Optional[float] = None,
    random_state: RandomState = None,
    factor: float = 0.5,
) -> Tuple[np.ndarray, np.ndarray]:
    """A large circle containing a smaller one (scikit-learn semantics).

    Args:
        n_samples: total number of points (outer circle gets ``n // 2``), or
            a pair ``(n_outer, n_inner)``.
        shuffle: shuffle the samples.
        noise: standard deviation of Gaussian noise added to the points.
        random_state: seed, Generator or None.
        factor: inner radius / outer radius, in [0, 1). (scikit-learn's
            default is 0.8; nerve uses 0.5 for a clearer gap.)

    Returns:
        ``X`` float32 ``(n_samples, 2)``, ``y`` int64 in {0, 1} (0 = outer circle).

    Example:
        >>> X, y = make_circles(100, factor=0.3, random_state=0)
        >>> float(abs(np.linalg.norm(X[y == 1], axis=1) - 0.3).max()) < 1e-6
        True
    """
    if not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1), got {factor}")
    n_out, n_in = _split_two(n_samples, "make_circles")
    rng = check_random_state(random_state)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _finish(X, y, rng, shuffle, noise)


def _split_k(n: int, k: int) -> list:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def make_spirals(
    n_samples: int = 100,
    *,
    n_classes: int = 2,
    noise: Optional[float] = None,
    turns: float = 1.0,
    shuffle: bool = True,
    random_state: RandomState = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the classic CS231n toy problem).

    Arm ``k`` starts at the origin and winds outwards to radius 1 over
    ``turns`` revolutions, rotated by ``2*pi*k/n_classes``.

    Args:
        n_samples: total number of points, split as evenly as possible.
        n_classes: number of arms / classes (typically 2 or 3; >= 1).
        noise: standard deviation of Gaussian noise added to the points.
        turns: revolutions of each arm.
        shuffle: shuffle the samples.
        random_state: seed, Generator or None.

    Returns:
        ``X`` float32 ``(n_samples, 2)``, ``y`` int64 in ``0 .. n_classes-1``.

    Example:
        >>> X, y = make_spirals(300, n_classes=3, noise=0.05, random_state=0)
        >>> X.shape, np.bincount(y).tolist()
        ((300, 2), [100, 100, 100])
    """
    n_classes = int(n_classes)
    if n_classes < 1:
        raise ValueError(f"n_classes must be >= 1, got {n_classes}")
    if int(n_samples) < 0:
        raise ValueError(f"n_samples must be >= 0, got {n_samples}")
    rng = check_random_state(random_state)
    xs, ys = [], []
    for k, n_k in enumerate(_split_k(int(n_samples), n_classes)):
        r = np.linspace(0.0, 1.0, n_k)
        theta = 2 * np.pi * (turns * r + k / n_classes)
        xs.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
        ys.append(np.full(n_k, k, dtype=np.int64))
    X = np.vstack(xs) if xs else np.zeros((0, 2))
    y = np.concatenate(ys) if ys else np.zeros(0, np.int64)
    return _finish(X, y, rng, shuffle, noise)


def make_xor(
    n_samples: int = 100,
    *,
    noise: Optional[float] = None,
    shuffle: bool = True,
    random_state: RandomState = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """The XOR problem: points uniform in ``[-1, 1]^2``, label 1 in quadrants II and IV.

    ``y = (x0 > 0) XOR (x1 > 0)``, computed before noise is added (so noise
    can push points across the axes).

    Args:
        n_samples: number of points.
        noise: standard deviation of Gaussian noise added to the points.
        shuffle: accepted for API symmetry (points are already i.i.d.).
        random_state: seed, Generator or None.

    Returns:
        ``X`` float32 ``(n_samples, 2)``, ``y`` int64 in {0, 1}.

    Example:
        >>> X, y = make_xor(4, random_state=0)
        >>> bool(np.all(y == ((X[:, 0] > 0) ^ (X[:, 1] > 0))))
        True
    """
    if int(n_samples) < 0:
        raise ValueError(f"n_samples must be >= 0, got {n_samples}")
    rng = check_random_state(random_state)
    X = rng.uniform(-1.0, 1.0, size=(int(n_samples), 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    return _finish(X, y, rng, False, noise)


def make_blobs(
    n_samples: Union[int, Sequence[int]] = 100,
    n_features: int = 2,
    *,
    centers: Union[None, int, Sequence[Sequence[float]], np.ndarray] = None,
    cluster_std: Union[float, Sequence[float]] = 1.0,
    center_box: Tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    random_state: RandomState = None,
    return_centers: bool = False,
):
    """Isotropic Gaussian blobs (scikit-learn semantics).

    Args:
        n_samples: total number of points split evenly among centers (the
            first ``n % k`` centers get one extra), or one count per center.
        n_features: dimensionality (ignored when ``centers`` is an array).
        centers: number of centers (default 3 when ``n_samples`` is an int),
            or an array ``(k, n_features)`` of fixed centers. Random centers
            are drawn uniformly from ``center_box``.
        cluster_std: standard deviation of every blob, or one per center.
        center_box: bounds for random centers.
        shuffle: shuffle the samples.
        random_state: seed, Generator or None.
        return_centers: also return the centers.

    Returns:
        ``X`` float32 ``(n, n_features)``, ``y`` int64 (center index), and
        ``centers`` float32 ``(k, n_features)`` if ``return_centers``.

    Example:
        >>> X, y = make_blobs(90, centers=3, cluster_std=0.5, random_state=0)
        >>> X.shape, np.bincount(y).tolist()
        ((90, 2), [30, 30, 30])
    """
    rng = check_random_state(random_state)
    if isinstance(n_samples, numbers.Integral):
        if centers is None:
            centers = 3
        if isinstance(centers, numbers.Integral):
            k = int(centers)
            if k < 1:
                raise ValueError(f"centers must be >= 1, got {k}")
            centers_arr = rng.uniform(center_box[0], center_box[1], size=(k, int(n_features)))
        else:
            centers_arr = np.atleast_2d(np.asarray(centers, dtype=np.float64))
            k = centers_arr.shape[0]
        counts = _split_k(int(n_samples), k)
    else:
        counts = [int(c) for c in n_samples]
        k = len(counts)
        if centers is None:
            centers_arr = rng.uniform(center_box[0], center_box[1], size=(k, int(n_features)))
        elif isinstance(centers, numbers.Integral):
            raise ValueError("centers must be None or an array when n_samples is a sequence")
        else:
            centers_arr = np.atleast_2d(np.asarray(centers, dtype=np.float64))
            if centers_arr.shape[0] != k:
                raise ValueError(
                    f"len(centers) ({centers_arr.shape[0]}) must equal len(n_samples) ({k})"
                )
    if any(c < 0 for c in counts):
        raise ValueError("n_samples must be non-negative")
    d = centers_arr.shape[1]
    stds = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (k,))
    if np.any(stds < 0):
        raise ValueError("cluster_std must be >= 0")
    X = np.vstack([rng.normal(loc=centers_arr[i], scale=stds[i], size=(counts[i], d)) for i in range(k)])
    y = np.concatenate([np.full(counts[i], i, dtype=np.int64) for i in range(k)])
    X, y = _finish(X, y, rng, shuffle, None)
    if return_centers:
        return X, y, centers_arr.astype(np.float32)
    return X, y
