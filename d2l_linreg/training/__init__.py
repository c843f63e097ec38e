"""The one training loop and what plugs into it.

* ``loop.py`` — :func:`train`, :func:`evaluate`, :class:`History`, :class:`Callback`;
* ``guards.py`` — the checks of the loop's inputs;
* ``checkpoint.py`` — save a run after each epoch, resume it exactly;
* ``callbacks.py`` — general callbacks: :class:`PrintLoss`, :class:`ParameterPath`;
* ``metrics.py`` — :func:`rmse`;
* ``distributed.py`` — data-parallel training under ``torch.distributed`` (``d2l.training.distributed``).
"""

from d2l_linreg.training import distributed as distributed
from d2l_linreg.training.callbacks import ParameterPath, PrintLoss
from d2l_linreg.training.loop import Callback, History, evaluate, train
from d2l_linreg.training.metrics import rmse

__all__ = [
    "Callback",
    "History",
    "ParameterPath",
    "PrintLoss",
    "evaluate",
    "rmse",
    "train",
]
