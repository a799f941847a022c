"""rnnviz.notebook: the student's live torch module, read in the lesson's layout (trace_module, show).

The lesson's three classifiers are written here as the lesson writes them (RNNClassifier averages
every output, LSTMClassifier reads h_n[-1], LSTMPackClassifier packs with lengths), one of them
renamed and sequence-first, plus a stacked bidirectional GRU; every hidden state, cell state and
probability rnnviz shows must be the module's own (≤ 1e-5), and the pooling must be inferred.
"""
from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.notebook import module_model, show, trace_module
from rnnviz.text import basic_english
from tests.lesson_classes import lesson_classes

TOL = 1e-5
RNNClassifier, LSTMPackClassifier = (lesson_classes()[name] for name in ("RNNClassifier", "LSTMPackClassifier"))
TEXT = "Stocks don't fall -- they sink: Wall St. (again) ends lower!"
VOCAB = ["<unk>", "<pad>", "stocks", "don", "'", "t", "fall", "--", "they", "sink", "wall", "st", ".",
         "(", "again", ")", "ends", "lower", "!", "the", "team", "won"]


class RenamedLSTMClassifier(torch.nn.Module):  # the lesson's LSTMClassifier, odd names, sequence first
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_class):
        super().__init__()
        self.lookup = torch.nn.Embedding(vocab_size, embed_dim)
        self.memory = torch.nn.LSTM(embed_dim, hidden_dim)                    # batch_first=False
        self.drop = torch.nn.Dropout(0.5)
        self.decide = torch.nn.Linear(hidden_dim, num_class)

    def forward(self, x):                      # x [T, B]
        x, (h, c) = self.memory(self.lookup(x))
        return self.decide(self.drop(h[-1]))


class StackedGRUClassifier(torch.nn.Module):   # two layers, both directions: fc on both final states
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_class):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embed_dim)
        self.rnn = torch.nn.GRU(embed_dim, hidden_dim, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = torch.nn.Linear(2 * hidden_dim, num_class)

    def forward(self, x):
        _, h = self.rnn(self.embedding(x))
        return self.fc(torch.cat([h[-2], h[-1]], dim=1))


CASES = {   # class, its recurrent module's attribute, batch_first, the pooling rnnviz must infer
    "RNNClassifier": (RNNClassifier, "rnn", True, "mean"),
    "RenamedLSTMClassifier": (RenamedLSTMClassifier, "memory", False, "last"),
    "LSTMPackClassifier": (LSTMPackClassifier, "rnn", True, "last"),
    "StackedGRUClassifier": (StackedGRUClassifier, "rnn", True, "last"),
}


def build(name: str, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return CASES[name][0](len(VOCAB), 8, 6, 4)


def own_outputs(net, name: str, ids: list[int]):
    """The module's own: top layer's outputs [T, D*H], h_n [L*D, H], c_n or None, class probabilities [C]."""
    cls, attr, batch_first, _ = CASES[name]
    x = torch.tensor(ids)[None] if batch_first else torch.tensor(ids)[:, None]
    embedding = next(m for m in net.modules() if isinstance(m, torch.nn.Embedding))
    net.eval()
    with torch.no_grad():
        out, state = getattr(net, attr)(embedding(x))
        h_n, c_n = state if isinstance(state, tuple) else (state, None)
        logits = net(x, torch.tensor([len(ids)])) if cls is LSTMPackClassifier else net(x)
    top = out[0] if batch_first else out[:, 0]
    return top.numpy(), h_n[:, 0].numpy(), None if c_n is None else c_n[:, 0].numpy(), \
        torch.softmax(logits.reshape(-1), 0).numpy()


@pytest.mark.parametrize("name", CASES)
def test_every_state_and_probability_is_the_modules_own(name):
    net = build(name)
    trace = trace_module(net, TEXT, vocab=VOCAB)
    layers, directions, steps, units = trace.hidden.shape
    top, h_n, c_n, probs = own_outputs(net, name, trace.ids.tolist())
    joined = np.concatenate(list(trace.hidden[-1]), axis=1)                           # [T, D*H]
    np.testing.assert_allclose(joined, top, atol=TOL, rtol=0)
    for layer in range(layers):                           # h_n: the forward direction at T-1, the backward at 0
        for d in range(directions):
            at = steps - 1 if d == 0 else 0
            np.testing.assert_allclose(trace.hidden[layer, d, at], h_n[layer * directions + d], atol=TOL, rtol=0)
            if c_n is not None:
                np.testing.assert_allclose(trace.cell[layer, d, at], c_n[layer * directions + d], atol=TOL, rtol=0)
    np.testing.assert_allclose(trace.probs[-1], probs, atol=TOL, rtol=0)
    assert trace.cell_kind.torch_module is type(getattr(net, CASES[name][1]))


@pytest.mark.parametrize("name", CASES)
def test_pooling_is_inferred_from_the_module(name):
    assert module_model(build(name), VOCAB, TEXT).spec.pooling == CASES[name][3]


def test_the_other_pooling_would_not_match_so_the_inference_is_not_a_default():
    net = build("RNNClassifier")
    wrong = trace_module(net, TEXT, vocab=VOCAB, pooling="last")
    probs = own_outputs(net, "RNNClassifier", wrong.ids.tolist())[3]
    assert np.abs(wrong.probs[-1] - probs).max() > 1e-3


def test_the_lessons_tokenizer_is_the_default_and_the_students_own_is_used():
    net = build("LSTMPackClassifier")
    assert trace_module(net, TEXT, vocab=VOCAB).tokens == basic_english(TEXT)
    assert "don" in basic_english(TEXT) and "'" in basic_english(TEXT)
    own = trace_module(net, "wall st ends lower", vocab=VOCAB, tokenizer=lambda s: s.upper().split())
    assert own.tokens == ["WALL", "ST", "ENDS", "LOWER"] and own.tokenizer == "custom"
    assert not own.known.any()                                   # the vocabulary is lower case: all unknown


def test_the_students_module_is_only_read():
    net = build("RenamedLSTMClassifier")
    net.train()
    net.decide.eval()                                            # a mixed state: each module's own mode comes back
    before = {k: v.clone() for k, v in net.state_dict().items()}
    trace_module(net, TEXT, vocab=VOCAB)
    assert net.training and net.memory.training and not net.decide.training
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_labels_default_to_class_numbers_and_can_be_named():
    net = build("RNNClassifier")
    assert trace_module(net, TEXT, vocab=VOCAB).labels == ["class 0", "class 1", "class 2", "class 3"]
    named = ["World", "Sports", "Business", "Sci/Tech"]
    assert trace_module(net, TEXT, vocab=VOCAB, labels=named).labels == named
    with pytest.raises(RnnvizError, match="4 outputs but 2 labels"):
        trace_module(net, TEXT, vocab=VOCAB, labels=["a", "b"])


def test_a_token_to_id_dict_gives_the_same_ids_as_the_list():
    net = build("RNNClassifier")
    as_dict = {token: i for i, token in reversed(list(enumerate(VOCAB)))}
    np.testing.assert_array_equal(trace_module(net, TEXT, vocab=as_dict).ids, trace_module(net, TEXT, vocab=VOCAB).ids)


class TwoRNNs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(len(VOCAB), 8)
        self.first = torch.nn.LSTM(8, 6, batch_first=True)
        self.second = torch.nn.GRU(6, 6, batch_first=True)
        self.fc = torch.nn.Linear(6, 4)


class NoLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(len(VOCAB), 8)
        self.rnn = torch.nn.LSTM(8, 6, batch_first=True)


def test_a_model_not_in_the_lessons_layout_is_refused_naming_what_was_found():
    with pytest.raises(RnnvizError, match=r"2 of nn\.RNN / nn\.LSTM / nn\.GRU: first \(LSTM\), second \(GRU\)"):
        trace_module(TwoRNNs(), TEXT, vocab=VOCAB, pooling="last")
    with pytest.raises(RnnvizError, match=r"no nn\.Linear"):
        trace_module(NoLinear(), TEXT, vocab=VOCAB, pooling="last")
    with pytest.raises(RnnvizError, match="torch.nn.Module"):
        trace_module({"embedding.weight": torch.zeros(3, 2)}, TEXT, vocab=VOCAB)


def test_a_tokenizer_that_returns_a_string_is_refused():
    with pytest.raises(RnnvizError, match="list of strings"):
        trace_module(build("RNNClassifier"), TEXT, vocab=VOCAB, tokenizer=str.lower)


def test_a_vocabulary_too_small_for_the_embedding_is_refused_with_both_sizes():
    with pytest.raises(RnnvizError, match=f"{len(VOCAB) - 2} tokens but the embedding has {len(VOCAB)} rows"):
        trace_module(build("RNNClassifier"), TEXT, vocab=VOCAB[:-2])
    with pytest.raises(RnnvizError, match="Pass vocab="):
        trace_module(build("RNNClassifier"), TEXT)


class ThreeArguments(LSTMPackClassifier):
    def forward(self, x, lengths, extra):
        return super().forward(x, lengths) * extra


class ScaledHead(LSTMPackClassifier):
    def forward(self, x, lengths):
        return 2 * super().forward(x, lengths)


def test_when_the_module_does_not_tell_the_pooling_the_error_asks_for_it():
    torch.manual_seed(0)
    uncallable = ThreeArguments(len(VOCAB), 8, 6, 4)
    with pytest.raises(RnnvizError, match=r"could not run your model.*TypeError.*pooling='last'"):
        trace_module(uncallable, TEXT, vocab=VOCAB)
    assert trace_module(uncallable, TEXT, vocab=VOCAB, pooling="last").steps == len(basic_english(TEXT))
    with pytest.raises(RnnvizError, match="matches neither pooling"):
        trace_module(ScaledHead(len(VOCAB), 8, 6, 4), TEXT, vocab=VOCAB)
    with pytest.raises(RnnvizError, match="pooling must be one of"):
        trace_module(uncallable, TEXT, vocab=VOCAB, pooling="max")


def shown_views(view) -> list[dict]:
    """The payloads inside the iframe Jupyter draws for `view`."""
    out = view._repr_html_()
    srcdoc = re.fullmatch(r'<iframe class="rnnviz-view" srcdoc="([^"]*)" style="[^"]*" onload="[^"]*"></iframe>', out)
    assert srcdoc, out[:300]
    page = html.unescape(srcdoc.group(1))
    assert page == view.html
    data = re.search(r'<script type="application/json" id="rnnviz-views">(.*?)</script>', page, re.S).group(1)
    return json.loads(data)


def test_show_draws_the_view_in_an_iframe_for_a_module_a_model_and_a_bundled_name():
    net = build("LSTMPackClassifier")
    view = show(net, TEXT, vocab=VOCAB, labels=["World", "Sports", "Business", "Sci/Tech"])
    views = shown_views(view)
    assert views[0]["tokens"] == basic_english(TEXT) == view.trace.tokens
    assert views[0]["prediction"]["labels"] == ["World", "Sports", "Business", "Sci/Tech"]
    model = rnnviz.load_model("sentiment-bilstm")
    for given in (model, "sentiment-bilstm"):
        shown = shown_views(show(given, "tom did not like the movie"))
        assert [v["slice"] for v in shown] == ["forward", "backward"]
        assert shown[0]["tokens"] == model.tokenize("tom did not like the movie")
    with pytest.raises(RnnvizError, match="brings its own vocab"):
        show("sentiment-bilstm", "a text", vocab=VOCAB)


def test_show_saves_the_page_and_speaks_the_language_asked_for(tmp_path):
    view = show(build("RNNClassifier"), TEXT, vocab=VOCAB)
    view.save(tmp_path / "view.html")
    assert (tmp_path / "view.html").read_text(encoding="utf-8") == view.html
    assert repr(view) == f"<rnnviz view: RNN, {view.trace.steps} tokens; .save('view.html') writes it as a page>"
    filipino = shown_views(show(build("RNNClassifier"), TEXT, vocab=VOCAB, lang="fil"))
    assert filipino[0]["words"]["next"] == i18n.t("live.next", lang="fil") != i18n.t("live.next", lang="en")


class LegacyTorchtextVocab:                    # torchtext 0.9.1, the lesson's: .itos, <unk> 0 and <pad> 1 first
    def __init__(self, itos):
        self.itos = itos


class NewTorchtextVocab:                       # newer torchtext: get_itos() and a default index
    def __init__(self, itos):
        self._itos = itos

    def get_itos(self):
        return list(self._itos)

    def get_default_index(self):
        return 0


def test_torchtext_vocabularies_of_either_age_give_the_lists_ids():
    net = build("LSTMPackClassifier")
    text = TEXT + " unheard-of words"
    expected = trace_module(net, text, vocab=VOCAB).ids
    assert expected[-1] == 0                                      # an unknown word: <unk>, id 0
    for vocab in (LegacyTorchtextVocab(VOCAB), NewTorchtextVocab(VOCAB)):
        np.testing.assert_array_equal(trace_module(net, text, vocab=vocab).ids, expected)


class BackwardOnlyHead(torch.nn.Module):      # bidirectional, but the head reads one direction's h_n[-1]
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(len(VOCAB), 8)
        self.rnn = torch.nn.LSTM(8, 6, bidirectional=True, batch_first=True)
        self.fc = torch.nn.Linear(6, 4)


class CellLoop(torch.nn.Module):               # an nn.LSTMCell stepped by hand: not the lesson's layout
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(len(VOCAB), 8)
        self.cell = torch.nn.LSTMCell(8, 6)
        self.fc = torch.nn.Linear(6, 4)


def test_a_head_that_does_not_read_every_direction_or_a_cell_loop_is_explained():
    with pytest.raises(RnnvizError, match=r"fc reads 6 numbers, but rnn gives 12 per step \(6 hidden units × 2"):
        trace_module(BackwardOnlyHead(), TEXT, vocab=VOCAB)
    with pytest.raises(RnnvizError, match=r"no nn\.RNN / nn\.LSTM / nn\.GRU \(a loop over nn\.RNNCell"):
        trace_module(CellLoop(), TEXT, vocab=VOCAB)


def test_biasless_layers_read_as_zero_biases():
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Embedding(len(VOCAB), 5), torch.nn.GRU(5, 4, bias=False, batch_first=True))
    net.append(torch.nn.Linear(4, 3, bias=False))
    trace = trace_module(net, TEXT, vocab=VOCAB, pooling="last")
    with torch.no_grad():
        out, _ = net[1](net[0](torch.tensor(trace.ids)[None]))
    np.testing.assert_allclose(trace.hidden[0, 0], out[0].numpy(), atol=TOL, rtol=0)
