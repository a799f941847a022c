"""rnnviz: see a sentence flow through real RNN, LSTM and GRU cells.

    import rnnviz
    m = rnnviz.load_model("story-lstm")
    t = rnnviz.trace(m, "Alice and Tom did not like the movie")
"""
import torch

torch.set_num_threads(1)  # our tensors are tiny: one thread beats many on a busy 2-core server

from . import text  # noqa: E402
from .trace import Trace, trace  # noqa: E402

__all__ = ["Trace", "trace", "text"]
