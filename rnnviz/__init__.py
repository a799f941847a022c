"""rnnviz: see a sentence flow through real RNN, LSTM and GRU cells.

    import rnnviz
    m = rnnviz.load_model("story-lstm")
    t = rnnviz.trace(m, "Alice and Tom did not like the movie")
"""
from . import text
from .checkpoints import list_models, load_model
from .lesson import load_lesson_model
from .trace import Trace, trace

__all__ = ["Trace", "list_models", "load_lesson_model", "load_model", "text", "trace"]
