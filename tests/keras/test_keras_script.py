"""A script written for tensorflow.keras runs on nerve after changing only its import lines."""
import re

import numpy as np

import nerve

TF_SCRIPT = '''
import numpy as np
from tensorflow import keras
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.callbacks import EarlyStopping

X, y = DATA
rng = np.random.default_rng(42)
order = rng.permutation(len(X))
X, y = X[order], y[order]
n_test = len(X) // 5
x_test, y_test = X[:n_test], y[:n_test]
x_train, y_train = X[n_test:], y[n_test:]
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std

model = Sequential([
    Dense(32, activation="relu", input_shape=(x_train.shape[1],)),
    Dropout(0.2),
    Dense(16, activation="relu"),
    Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
early = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=40, batch_size=32, validation_split=0.2,
                    callbacks=[early], verbose=0)
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
probs = model.predict(x_test, verbose=0)
predicted = (probs > 0.5).astype("int32").ravel()
'''


def _to_nerve(script):
    """Change only the import lines: tensorflow -> nerve."""
    out = []
    for line in script.splitlines():
        if re.match(r"\s*(from|import)\s+tensorflow", line):
            line = line.replace("from tensorflow import keras", "from nerve import keras")
            line = line.replace("tensorflow.keras", "nerve.keras")
        out.append(line)
    return "\n".join(out)


def test_tf_keras_script_runs_and_learns():
    from nerve.datasets import load_breast_cancer
    script = _to_nerve(TF_SCRIPT)
    changed = [(a, b) for a, b in zip(TF_SCRIPT.splitlines(), script.splitlines()) if a != b]
    assert changed and all("import" in a for a, _ in changed), "only import lines may change"
    nerve.manual_seed(0)
    namespace = {"DATA": load_breast_cancer()}
    exec(compile(script, "<tf_keras_script>", "exec"), namespace)
    h = namespace["history"].history
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(h)
    assert len(h["loss"]) <= 40
    assert h["loss"][-1] < h["loss"][0]
    assert namespace["test_acc"] > 0.9                       # chance is ~0.63 on this table
    probs, y_test = namespace["probs"], namespace["y_test"]
    assert probs.shape == (len(y_test), 1) and probs.min() >= 0 and probs.max() <= 1
    assert (namespace["predicted"] == y_test).mean() > 0.9
    # EarlyStopping(restore_best_weights=True): the kept weights are the best epoch's
    best = int(np.argmin(h["val_loss"]))
    assert namespace["early"].best == h["val_loss"][best]
