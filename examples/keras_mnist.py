"""MNIST with the Keras-style API: Sequential MLP, adam, sparse categorical cross-entropy.

The script is written the way a tf.keras tutorial writes it; only the imports
name nerve. Run it from the repository root:

    PYTHONPATH=src python examples/keras_mnist.py [--epochs 20]

MNIST is read from $NERVE_DATA (or ~/.cache/nerve; add --download to fetch it).
"""
import argparse
import time

import nerve
from nerve import keras
from nerve.keras import layers
from nerve.keras.datasets import mnist


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--save", default=None, help="save the trained model to this file")
    args = parser.parse_args()
    nerve.manual_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=args.download)
    x_train, x_test = x_train / 255.0, x_test / 255.0

    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    start = time.perf_counter()
    history = model.fit(
        x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1, verbose=2,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)])
    train_time = time.perf_counter() - start

    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"epochs run: {len(history.epoch)}, training time: {train_time:.1f} s")
    print(f"test loss: {test_loss:.4f}, test accuracy: {test_acc:.4f}")
    if args.save:
        model.save(args.save)
        print(f"saved to {args.save}")


if __name__ == "__main__":
    main()
