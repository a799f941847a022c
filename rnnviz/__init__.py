"""rnnviz: see a sentence flow through real RNN, LSTM and GRU cells.

    import rnnviz
    m = rnnviz.load_model("story-lstm")
    t = rnnviz.trace(m, "Alice and Tom did not like the movie")
    rnnviz.show(net, "the match was won", vocab=vocab, tokenizer=tokenizer)   # a notebook's own model
"""
from . import text
from .checkpoints import list_models, load_model
from .export import export_html
from .keras_model import load_keras_model
from .lesson import load_lesson_model, read_vocab
from .notebook import show, trace_module
from .trace import Trace, trace

__all__ = ["Trace", "export_html", "list_models", "load_keras_model", "load_lesson_model", "load_model",
           "read_vocab", "show", "text", "trace", "trace_module"]
