"""The student's own live torch model, in the notebook where it was trained: trace_module and show.

    net = LSTMClassifier(vocab_size, 64, 32, 4)       # the lesson's class, trained in the notebook
    rnnviz.show(net, "Wall St. bears claw back", vocab=vocab.get_itos(), tokenizer=tokenizer)
    t = rnnviz.trace_module(net, "Wall St. bears claw back", vocab=vocab.get_itos(), tokenizer=tokenizer)

`net` is read in the lesson's layout: exactly one nn.Embedding, one nn.RNN / nn.LSTM / nn.GRU
and one nn.Linear, found by type whatever their attribute names. rnnviz copies their weights into
its own Model (the student's module is never changed) and reads the text with the explicit cells,
so every h_t, c_t and gate is the module's own (≤ 1e-5).

Pooling, what the head reads: "last" = the top layer's final state (both directions joined),
fc(h_n[-1]) in the lesson's LSTMClassifier; "mean" = the mean of the top layer's outputs over the
text, fc(x.mean(dim=1)) in its RNNClassifier. None asks the module itself: rnnviz calls `net` on
the text's ids (net(ids), then net(ids, lengths); ids shaped [1, T] or [T, 1]) and keeps the
pooling whose logits equal its output (≤ 1e-5; its softmax or log-softmax counts too). When the
module cannot be called that way, or neither matches, the error asks for pooling=.

Legend: T tokens, E embedding, H hidden units, D directions, C classes, V vocabulary.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import torch
from torch import nn

from .checkpoints import load_model, load_weights
from .errors import RnnvizError
from .export import export_html
from .lesson import read_vocab, size_mismatch
from .model import Model, ModelSpec
from .pooling_probe import infer_pooling, pooled
from .registry import CELL_KINDS, POOLINGS
from .text import TOKENIZERS, Vocab
from .trace import Trace, trace

LESSON_TOKENIZER = "basic_english"      # torchtext's get_tokenizer("basic_english"), as the lesson splits text
TOP_UNITS = 32                          # live.js shows at most this many rows at first (figures.live.TOP_UNITS)


@dataclass(frozen=True)
class LessonLayers:
    """The three modules rnnviz reads, and the names the student gave them."""

    embedding: nn.Embedding
    rnn: nn.RNNBase
    fc: nn.Linear
    names: dict[str, str]             # a PARTS key ("embedding", "recurrent", "head") -> its path in `net`


# what each part is, how a student writes it, and what to say when there are none or several
PARTS = {
    "embedding": (nn.Embedding, "nn.Embedding", "", ""),
    "recurrent": (nn.RNNBase, "nn.RNN / nn.LSTM / nn.GRU",
                  " (a loop over nn.RNNCell / nn.LSTMCell is not read: use nn.RNN / nn.LSTM / nn.GRU)",
                  " (stack layers with num_layers= in one module)"),
    "head": (nn.Linear, "nn.Linear", "", ""),
}


def lesson_layers(net: nn.Module) -> LessonLayers:
    """The one nn.Embedding, nn.RNN/LSTM/GRU and nn.Linear of `net`, by type (named_modules);
    a RnnvizError naming what was found when there is not exactly one of each."""
    if not isinstance(net, nn.Module):
        raise RnnvizError(f"rnnviz needs your model itself (a torch.nn.Module), not a {type(net).__name__}.")
    found = {part: [(name or "(the model)", m) for name, m in net.named_modules() if isinstance(m, kind[0])]
             for part, kind in PARTS.items()}
    problems = [_count_problem(part, hits) for part, hits in found.items() if len(hits) != 1]
    if problems:
        raise RnnvizError("rnnviz reads a model with exactly one nn.Embedding, one nn.RNN / nn.LSTM / nn.GRU and "
                          "one nn.Linear (the lesson's layout). Your model has " + "; ".join(problems) + ".")
    (_, embedding), (_, rnn), (_, fc) = (found[part][0] for part in PARTS)
    return LessonLayers(embedding, rnn, fc, {part: found[part][0][0] for part in PARTS})


def _count_problem(part: str, hits: list) -> str:
    _, words, if_none, if_many = PARTS[part]
    if not hits:
        return f"no {words}{if_none}"
    listed = ", ".join(f"{name} ({type(m).__name__})" for name, m in hits)
    return f"{len(hits)} of {words}: {listed}{if_many}"


def module_spec(layers: LessonLayers, labels=None, pooling: str = "last", tokenizer: str = LESSON_TOKENIZER
                ) -> ModelSpec:
    """The ModelSpec of the student's modules: sizes read off them, the cell kind from the
    recurrent module's type (registry CELL_KINDS' torch_module), nonlinearity from nn.RNN's."""
    emb, rnn, fc = layers.embedding, layers.rnn, layers.fc
    kind = next((k for k in CELL_KINDS.values() if isinstance(rnn, k.torch_module)), None)
    where = layers.names
    if kind is None:
        raise RnnvizError(f"{where['recurrent']} is a {type(rnn).__name__}: rnnviz reads nn.RNN, nn.LSTM and nn.GRU.")
    if getattr(rnn, "proj_size", 0):
        raise RnnvizError(f"{where['recurrent']} projects its state (proj_size={rnn.proj_size}): "
                          "rnnviz reads LSTMs without a projection.")
    if emb.max_norm is not None:
        raise RnnvizError(f"{where['embedding']} renormalises its vectors (max_norm): rnnviz reads plain embeddings.")
    if rnn.input_size != emb.embedding_dim:
        raise RnnvizError(f"{where['embedding']} gives vectors of {emb.embedding_dim} numbers but {where['recurrent']} "
                          f"reads {rnn.input_size}: the embedding must feed the recurrent layer directly.")
    directions = 2 if rnn.bidirectional else 1
    if fc.in_features != directions * rnn.hidden_size:
        raise RnnvizError(
            f"The head {where['head']} reads {fc.in_features} numbers, but {where['recurrent']} gives "
            f"{directions * rnn.hidden_size} per step ({rnn.hidden_size} hidden units × {directions} direction(s)): "
            "rnnviz's head reads the top layer's last state or the mean of its outputs, every direction joined.")
    classes = fc.out_features
    labels = [f"class {i}" for i in range(classes)] if labels is None else [str(x) for x in labels]
    if len(labels) != classes:
        raise RnnvizError(f"{where['head']} has {classes} outputs but {len(labels)} labels were given.")
    activation = {"nonlinearity": rnn.nonlinearity} if hasattr(rnn, "nonlinearity") else {}
    return ModelSpec(cell=kind.name, vocab_size=emb.num_embeddings, emb_size=emb.embedding_dim,
                     hidden_size=rnn.hidden_size, layers=rnn.num_layers, bidirectional=rnn.bidirectional,
                     head="classifier", pooling=pooling, labels=tuple(labels), tokenizer=tokenizer, **activation)


def module_weights(layers: LessonLayers) -> dict[str, torch.Tensor]:
    """Copies of the modules' weights under rnnviz's names (embedding.weight, rnn.weight_ih_l0, …,
    fc.weight, fc.bias), on the CPU; a module built with bias=False gets zero biases."""
    rnn = layers.rnn
    state = {f"rnn.{name}": tensor for name, tensor in rnn.state_dict().items()}
    blocks = rnn.weight_hh_l0.shape[0]                                   # G*H rows
    for layer in range(rnn.num_layers):
        for suffix in ("", "_reverse")[:2 if rnn.bidirectional else 1]:
            for name in ("bias_ih", "bias_hh"):
                state.setdefault(f"rnn.{name}_l{layer}{suffix}", torch.zeros(blocks))
    fc = layers.fc
    state.update({"embedding.weight": layers.embedding.weight, "fc.weight": fc.weight,
                  "fc.bias": fc.bias if fc.bias is not None else torch.zeros(fc.out_features)})
    return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}


def module_model(net: nn.Module, vocab, text: str = "", tokenizer=None, labels=None, pooling: str | None = None
                 ) -> Model:
    """An rnnviz Model holding copies of `net`'s weights, `vocab` as its vocabulary and the
    student's `tokenizer` (a callable str -> list[str]; None = the lesson's basic_english; or a
    name in text.TOKENIZERS). `pooling` None is inferred by calling `net` on `text` (module doc)."""
    layers = lesson_layers(net)
    name, custom = _tokenizer(tokenizer)
    if pooling is not None and pooling not in POOLINGS:
        raise RnnvizError(f"pooling must be one of {', '.join(POOLINGS)} (or None: rnnviz asks your model), "
                          f"not {pooling!r}.")
    spec = module_spec(layers, labels, pooling or "last", name)
    words = _vocab(vocab)
    if len(words) != spec.vocab_size:
        raise RnnvizError(size_mismatch(words, spec.vocab_size) + " Pass the vocabulary the model was trained "
                          "with: vocab.get_itos(), or vocab.itos in older torchtext.")
    model = Model(spec, words, {"task": "notebook", "source": "a model from this notebook"})
    load_weights(model, module_weights(layers))
    model.custom_tokenizer = custom
    return model if pooling else pooled(model, infer_pooling(net, model, text, layers.rnn.batch_first))


def _tokenizer(tokenizer) -> tuple[str, object]:
    """(spec.tokenizer, custom callable or None) for the `tokenizer` argument."""
    if tokenizer is None:
        return LESSON_TOKENIZER, None
    if isinstance(tokenizer, str):
        if tokenizer not in TOKENIZERS:
            raise RnnvizError(f"tokenizer must be your own function or one of {', '.join(TOKENIZERS)}, "
                              f"not {tokenizer!r}.")
        return tokenizer, None
    if not callable(tokenizer):
        raise RnnvizError(f"tokenizer must be a function from a text to its tokens, not a {type(tokenizer).__name__}.")
    return LESSON_TOKENIZER, tokenizer


def _vocab(vocab) -> Vocab:
    """`vocab` as a Vocab (rnnviz.lesson.read_vocab: a token list, a token→id dict, a torchtext
    vocab with get_itos() or itos, a file), its unknown-word id as that layout reads it."""
    if vocab is None:
        raise RnnvizError("Pass vocab=: the token list your model was trained with "
                          "(vocab.get_itos(), or vocab.itos in older torchtext), or its token→id dict.")
    return read_vocab(vocab)


# ---- the public calls -----------------------------------------------------------------------------

def trace_module(net: nn.Module, text: str, vocab=None, tokenizer=None, labels=None, pooling: str | None = None,
                 target=None) -> Trace:
    """The Trace of `text` through the student's live `net` (see the module's doc): every state,
    gate and prediction, and the gradients of L = log p(target) (default: the predicted class)."""
    return trace(module_model(net, vocab, text, tokenizer, labels, pooling), text, target=target)


def show(net, text: str, vocab=None, tokenizer=None, labels=None, pooling: str | None = None, *,
         title: str | None = None, lang: str | None = None) -> InlineView:
    """The step-through view of `text`, drawn inline in Jupyter, VS Code or Colab (the app's own
    live view: ← → Home End step, Space plays, hover for values; click it first to give it the
    keys). `net` is the student's torch.nn.Module (as trace_module), an rnnviz Model, or the
    name of a bundled model. `lang` is the view's language ("en", "fil"; default English)."""
    found = _model_trace(net, text, vocab, tokenizer, labels, pooling)
    return InlineView(found, export_html(found, title=title, lang=lang))


def _model_trace(net, text, vocab, tokenizer, labels, pooling) -> Trace:
    if isinstance(net, str | Model):
        given = [name for name, value in (("vocab", vocab), ("tokenizer", tokenizer), ("labels", labels),
                                          ("pooling", pooling)) if value is not None]
        if given:
            raise RnnvizError(f"An rnnviz model brings its own {', '.join(given)}: pass them only with your own "
                              "torch module.")
        return trace(load_model(net) if isinstance(net, str) else net, text)
    return trace_module(net, text, vocab, tokenizer, labels, pooling)


class InlineView:
    """What show() returns: Jupyter draws it (`_repr_html_`: an <iframe> whose srcdoc is the
    standalone page); `.trace` is the Trace, `.html` the page, `.save(path)` writes it."""

    def __init__(self, trace: Trace, page: str):
        self.trace, self.html = trace, page

    def __repr__(self) -> str:          # where no HTML is drawn (a terminal, a plain-text output)
        return (f"<rnnviz view: {self.trace.cell_kind.title}, {self.trace.steps} tokens; "
                ".save('view.html') writes it as a page>")

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as out:
            out.write(self.html)

    def _repr_html_(self) -> str:
        # srcdoc holds the page escaped (&, <, >, ", '); the iframe grows to its page once drawn
        # (a srcdoc page is same-origin; where outputs are sanitised it keeps the first height)
        fit = ("this.style.height=(Math.ceil(this.contentDocument.body.getBoundingClientRect().bottom)+20)+'px';"
               "this.dataset.fitted='1'")
        return (f'<iframe class="rnnviz-view" srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{first_height(self.trace)}px;border:0" onload="{fit}"></iframe>')


def first_height(trace: Trace) -> int:
    """The iframe's height in px before its page has measured itself (for good where a notebook
    strips the onload that fits it): live.js's layout, roughly. The header, the cursor's bar, the
    chain and the current step take about 360 px; each state's heatmap its rows (a row is
    260 px / H, 3 … 12 px high; 320 px for the first TOP_UNITS of a wider model) and 40 px of
    title; a classifier's lines 170 px; the rolled-up cell 230 px; the layer buttons 40 px."""
    layers, directions, _, units = trace.hidden.shape
    rows = 320 if units > TOP_UNITS else units * max(3, min(12, 260 // units))
    states = len(trace.cell_kind.state_names)
    return (360 + states * (rows + 40) + (0 if trace.predicts_next_word else 170) + 230
            + (40 if layers * directions > 1 else 0))
