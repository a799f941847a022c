"""rnnviz: see a sentence flow through real RNN, LSTM and GRU cells.

    import rnnviz
    m = rnnviz.load_model("story-lstm")
    t = rnnviz.trace(m, "Alice and Tom did not like the movie")
"""
import torch
from threadpoolctl import threadpool_limits

# Our tensors are tiny: one thread beats many on a busy 2-core server, for torch and numpy's BLAS.
torch.set_num_threads(1)
threadpool_limits(limits=1)

from . import text  # noqa: E402
from .checkpoints import list_models, load_model  # noqa: E402
from .lesson import load_lesson_model  # noqa: E402
from .trace import Trace, trace  # noqa: E402

__all__ = ["Trace", "list_models", "load_lesson_model", "load_model", "text", "trace"]
