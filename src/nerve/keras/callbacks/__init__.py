"""Keras callbacks for nerve: observe and steer training through a few hooks.

``fit`` runs every callback's ``on_train_begin``, ``on_epoch_begin/end``,
``on_train_batch_begin/end`` (and ``on_test_*`` during validation,
``on_train_end`` at the end); see :class:`Callback`. The same callbacks work
in a PyTorch-style loop through :class:`CallbackList`, which wraps a plain
``nerve.nn.Module`` and its optimizer in a :class:`ModuleAdapter`::

    import nerve
    from nerve import nn, optim
    from nerve.keras.callbacks import CallbackList, EarlyStopping, ReduceLROnPlateau

    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(net.parameters(), lr=1e-3)
    cbs = CallbackList([EarlyStopping(patience=5, restore_best_weights=True),
                        ReduceLROnPlateau(factor=0.5, patience=2)],
                       add_history=True, add_progbar=True,
                       model=net, optimizer=opt, epochs=100, steps=len(loader), verbose=1)
    cbs.on_train_begin()
    for epoch in range(100):
        cbs.on_epoch_begin(epoch)
        net.train()
        total = 0.0
        for batch, (x, y) in enumerate(loader):
            cbs.on_train_batch_begin(batch)
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
            total += loss.item()
            cbs.on_train_batch_end(batch, {"loss": total / (batch + 1)})   # running mean
        net.eval()
        with nerve.no_grad():
            val_loss = nn.functional.cross_entropy(net(x_val), y_val).item()
        cbs.on_epoch_end(epoch, {"loss": total / (batch + 1), "val_loss": val_loss})
        if cbs.stop_training:               # set by EarlyStopping
            break
    cbs.on_train_end()                      # net now holds the best epoch's weights
    print(cbs.history.history["val_loss"])

Available: Callback, CallbackList, History, ProgbarLogger (and Progbar),
EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler,
CSVLogger, TensorBoard (needs ``nerve[tensorboard]``), TerminateOnNaN,
LambdaCallback.
"""
from .callback import Callback
from .history import History
from .progbar_logger import Progbar, ProgbarLogger
from .callback_list import CallbackList, ModuleAdapter, OptimizerAdapter
from .early_stopping import EarlyStopping
from .model_checkpoint import ModelCheckpoint
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .learning_rate_scheduler import LearningRateScheduler
from .csv_logger import CSVLogger
from .tensorboard import TensorBoard
from .terminate_on_nan import TerminateOnNaN
from .lambda_callback import LambdaCallback

__all__ = [
    "Callback", "CallbackList", "History", "ProgbarLogger", "Progbar", "EarlyStopping",
    "ModelCheckpoint", "ReduceLROnPlateau", "LearningRateScheduler", "CSVLogger", "TensorBoard",
    "TerminateOnNaN", "LambdaCallback", "ModuleAdapter", "OptimizerAdapter",
]
