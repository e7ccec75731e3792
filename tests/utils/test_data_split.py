"""train_test_split with scikit-learn's semantics (sizes, rounding, stratification, seeding)."""
from collections import Counter

import numpy as np
import pytest

import nerve
from nerve.utils.data import train_test_split


@pytest.mark.parametrize("kwargs,n_train,n_test", [
    ({}, 75, 25),
    (dict(test_size=0.25), 75, 25),
    (dict(test_size=0.33), 67, 33),        # test rounds up: ceil(33.0)
    (dict(test_size=0.333), 66, 34),       # ceil(33.3) = 34
    (dict(train_size=0.666), 66, 34),      # train rounds down: floor(66.6)
    (dict(test_size=10), 90, 10),
    (dict(train_size=30), 30, 70),
    (dict(train_size=0.5, test_size=0.2), 50, 20),   # a part may stay unused
    (dict(train_size=40, test_size=10), 40, 10),
])
def test_sizes_follow_sklearn(kwargs, n_train, n_test):
    x = np.arange(200).reshape(100, 2)
    x_tr, x_te = train_test_split(x, random_state=0, **kwargs)
    assert (len(x_tr), len(x_te)) == (n_train, n_test)
    rows = np.concatenate([x_tr[:, 0], x_te[:, 0]]) // 2
    assert len(set(rows.tolist())) == n_train + n_test  # disjoint


def test_matches_sklearn_documented_example():
    # the example in scikit-learn's train_test_split docstring
    X, y = np.arange(10).reshape((5, 2)), list(range(5))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.33, random_state=42)
    assert X_train.tolist() == [[4, 5], [0, 1], [6, 7]]
    assert X_test.tolist() == [[2, 3], [8, 9]]
    assert y_train == [2, 0, 3] and y_test == [1, 4]
    assert train_test_split(y, shuffle=False) == [[0, 1, 2], [3, 4]]


def test_rows_stay_aligned_and_types_are_kept():
    x = np.arange(50, dtype=np.float32).reshape(25, 2)
    y = nerve.tensor(np.arange(25))
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=5, random_state=1)
    assert isinstance(x_tr, np.ndarray) and isinstance(y_tr, nerve.Tensor)
    assert x_tr.dtype == np.float32 and y_te.dtype == np.int64
    np.testing.assert_array_equal(x_tr[:, 0] // 2, y_tr.numpy())
    np.testing.assert_array_equal(x_te[:, 0] // 2, y_te.numpy())
    assert sorted(np.concatenate([y_tr.numpy(), y_te.numpy()]).tolist()) == list(range(25))


def test_random_state_determinism():
    x = np.arange(100)
    a = train_test_split(x, random_state=3)
    b = train_test_split(x, random_state=3)
    c = train_test_split(x, random_state=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    g1, g2 = nerve.Generator().manual_seed(5), nerve.Generator().manual_seed(5)
    np.testing.assert_array_equal(train_test_split(x, random_state=g1)[1], train_test_split(x, random_state=g2)[1])
    nerve.manual_seed(11)
    d = train_test_split(x)[1]
    nerve.manual_seed(11)
    np.testing.assert_array_equal(d, train_test_split(x)[1])


def test_shuffle_false_keeps_order():
    x_tr, x_te = train_test_split(np.arange(10), test_size=0.3, shuffle=False)
    assert x_tr.tolist() == list(range(7)) and x_te.tolist() == [7, 8, 9]
    with pytest.raises(ValueError, match="not implemented for shuffle=False"):
        train_test_split(np.arange(10), shuffle=False, stratify=np.arange(10) % 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stratify_keeps_class_ratios(seed):
    y = np.array([0] * 70 + [1] * 20 + [2] * 10)
    x = np.arange(100)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    assert Counter(y_te.tolist()) == {0: 14, 1: 4, 2: 2}
    assert Counter(y_tr.tolist()) == {0: 56, 1: 16, 2: 8}
    np.testing.assert_array_equal(y[x_te], y_te)
    assert sorted(np.concatenate([x_tr, x_te]).tolist()) == list(range(100))


def test_stratify_with_uneven_counts_and_tensor_labels():
    y = np.array([0] * 7 + [1] * 5 + [2] * 3)
    x_tr, x_te, y_tr, y_te = train_test_split(np.arange(15), nerve.tensor(y), test_size=0.4,
                                              stratify=nerve.tensor(y), random_state=0)
    counts = Counter(y_te.numpy().tolist())
    assert sum(counts.values()) == 6 and len(x_tr) == 9
    # proportional: 7*0.4 = 2.8, 5*0.4 = 2, 3*0.4 = 1.2 -> each class within one of its share
    for cls, share in {0: 2.8, 1: 2.0, 2: 1.2}.items():
        assert abs(counts[cls] - share) < 1
    # unstratified splits of the same data are allowed to miss class ratios; stratified ones repeat exactly
    again = train_test_split(np.arange(15), test_size=0.4, stratify=y, random_state=0)
    np.testing.assert_array_equal(again[1], x_te)


def test_errors():
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[10, 9\\]"):
        train_test_split(np.zeros(10), np.zeros(9))
    with pytest.raises(ValueError, match="At least one array"):
        train_test_split()
    with pytest.raises(ValueError, match="test_size=1.5 should be"):
        train_test_split(np.zeros(10), test_size=1.5)
    with pytest.raises(ValueError, match="test_size=10 should be"):
        train_test_split(np.zeros(10), test_size=10)
    with pytest.raises(ValueError, match="The sum of test_size and train_size"):
        train_test_split(np.zeros(10), test_size=0.6, train_size=0.6)
    with pytest.raises(ValueError, match="least populated class"):
        train_test_split(np.zeros(10), stratify=np.array([0] * 9 + [1]))
    with pytest.raises(ValueError, match="train set will be empty"):
        train_test_split(np.zeros(3), test_size=0.9)
