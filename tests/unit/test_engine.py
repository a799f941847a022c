"""The engine is exact: states match torch.nn, gradients match autograd, the model is untouched."""
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.errors import EmptyTextError, TargetError
from tests.unit.reference import autograd_reference, make_model, nn_layer_states

TEXT = "alice and tom said the movie was not very good . she is"
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
SHAPES = [(1, False), (2, False), (1, True), (2, True)]
CASES = [(c, nl, layers, bi) for (c, nl), (layers, bi) in itertools.product(KINDS, SHAPES)]


def ids_of(model, text=TEXT):
    return model.vocab.ids(rnnviz.text.tokenize(text))


@pytest.mark.parametrize("cell,nonlinearity,layers,bidirectional", CASES)
def test_states_match_torch_nn(cell, nonlinearity, layers, bidirectional):
    model = make_model(cell, layers, bidirectional, nonlinearity=nonlinearity)
    t = rnnviz.trace(model, TEXT)
    hidden, cells = nn_layer_states(model, ids_of(model))
    assert t.hidden.shape == (layers, 2 if bidirectional else 1, len(t.tokens), 5)
    # 1e-5 absolute; relu states are unbounded, so allow float32's own rounding of large values
    assert np.allclose(t.hidden, hidden.numpy(), atol=1e-5, rtol=1e-6)
    if cell == "lstm":
        assert np.abs(t.cell - cells.numpy()).max() <= 1e-5
    else:
        assert t.cell is None and t.grad_cell is None


@pytest.mark.parametrize("cell,nonlinearity,layers,bidirectional", CASES)
def test_top_layer_and_prediction_match_the_fused_module(cell, nonlinearity, layers, bidirectional):
    model = make_model(cell, layers, bidirectional, nonlinearity=nonlinearity)
    t = rnnviz.trace(model, TEXT)
    ids = torch.tensor([ids_of(model)])
    with torch.no_grad():
        logits = model(ids, torch.tensor([ids.shape[1]]))
    assert np.allclose(t.probs[-1], torch.softmax(logits[0], -1).numpy(), atol=1e-5)


@pytest.mark.parametrize("cell,nonlinearity,layers,bidirectional", CASES)
@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_gradients_match_autograd(cell, nonlinearity, layers, bidirectional, pooling):
    model = make_model(cell, layers, bidirectional, pooling=pooling, nonlinearity=nonlinearity)
    t = rnnviz.trace(model, TEXT, target="positive")
    grad_h, grad_c, connectivity, logits = autograd_reference(model, ids_of(model), 2, len(t.tokens) - 1)
    assert np.allclose(t.grad_hidden, grad_h.numpy(), rtol=1e-4, atol=1e-9)
    assert np.allclose(t.connectivity, connectivity.numpy(), rtol=1e-4, atol=1e-9)
    if cell == "lstm":
        assert np.allclose(t.grad_cell, grad_c.numpy(), rtol=1e-4, atol=1e-9)
    assert np.allclose(np.log(t.probs[-1]), torch.log_softmax(logits, -1).numpy(), atol=1e-5)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_language_model_target_in_the_middle(cell):
    model = make_model(cell, layers=2, head="lm")
    t = rnnviz.trace(model, TEXT, target=("she", 4))
    k = model.vocab.tokens.index("she")
    grad_h, grad_c, connectivity, _ = autograd_reference(model, ids_of(model), k, 4)
    assert np.allclose(t.grad_hidden, grad_h.numpy(), rtol=1e-4, atol=1e-9)
    assert np.allclose(t.connectivity, connectivity.numpy(), rtol=1e-4, atol=1e-9)
    assert (t.grad_hidden[..., 5:] == 0).all() and t.grad_hidden[..., 4].min() > 0
    assert t.target == "log p(she) after token 4 ('the')"
    assert t.probs.shape == (len(t.tokens), len(model.vocab)) and t.labels == model.vocab.tokens


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_clamped_gradients_match_autograd(cell):
    model = make_model(cell, layers=2, bidirectional=True)
    clamp = {(0, 1, 2): 0.7, (1, 0, 0): -0.4}
    t = rnnviz.trace(model, TEXT, target="negative", clamp=clamp)
    grad_h, grad_c, connectivity, _ = autograd_reference(model, ids_of(model), 0, len(t.tokens) - 1, clamp)
    assert np.allclose(t.grad_hidden, grad_h.numpy(), rtol=1e-4, atol=1e-9)
    assert np.allclose(t.connectivity, connectivity.numpy(), rtol=1e-4, atol=1e-9)
    pinned = t.cell if cell == "lstm" else t.hidden
    assert np.allclose(pinned[0, 1, :, 2], 0.7) and np.allclose(pinned[1, 0, :, 0], -0.4)


def test_gates_are_recorded_and_reproduce_the_state():
    model = make_model("lstm")
    t = rnnviz.trace(model, TEXT)
    i, f, g, o = (t.gates[n][0, 0] for n in ("input", "forget", "candidate", "output"))
    c_prev = np.vstack([np.zeros((1, 5)), t.cell[0, 0, :-1]])
    assert np.allclose(t.cell[0, 0], f * c_prev + i * g, atol=1e-6)
    assert np.allclose(t.hidden[0, 0], o * np.tanh(t.cell[0, 0]), atol=1e-6)
    assert ((0 <= i) & (i <= 1)).all() and ((-1 <= g) & (g <= 1)).all()
    assert set(rnnviz.trace(make_model("gru"), TEXT).gates) == {"reset", "update", "candidate"}
    assert rnnviz.trace(make_model("rnn"), TEXT).gates == {}


def test_trace_never_changes_the_model_and_is_thread_safe():
    model = make_model("lstm", layers=2, bidirectional=True)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    texts = [TEXT, "the movie was good", "tom is sad .", TEXT[::-1]] * 2
    single = [rnnviz.trace(model, s).to_json() for s in texts]
    with ThreadPoolExecutor(8) as pool:
        many = list(pool.map(lambda s: rnnviz.trace(model, s, clamp={(0, 0, 1): 1.0}).to_json(), texts))
        again = list(pool.map(lambda s: rnnviz.trace(model, s).to_json(), texts))
    assert again == single and len(many) == 8
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())


def test_unknown_words_empty_text_and_bad_targets():
    model = make_model("gru")
    t = rnnviz.trace(model, "Alice 😀 zyzzyva <script>")
    assert t.tokens[:2] == ["alice", "😀"] and t.known.tolist() == [True, False, False, False, False, False]
    assert (t.ids[1:] == model.vocab.unk_id).all()
    for text in ["", "   \n\t", "\u200b\u200b"]:
        with pytest.raises(EmptyTextError):
            rnnviz.trace(model, text)
    with pytest.raises(TargetError):
        rnnviz.trace(model, "the movie", target="banana")
    with pytest.raises(TargetError):
        rnnviz.trace(model, "the movie", target=("positive", 7))
    with pytest.raises(TargetError):
        rnnviz.trace(model, "the movie", clamp={(0, 0, 99): 1.0})
    with pytest.raises(TargetError):
        rnnviz.trace(make_model("lstm", bidirectional=True), "the movie was", target=("positive", 0))


def test_long_text_is_capped():
    t = rnnviz.trace(make_model("rnn"), "good " * 1500)
    assert len(t.tokens) == rnnviz.text.MAX_TOKENS
    assert t.hidden.shape[2] == rnnviz.text.MAX_TOKENS and np.isfinite(t.grad_hidden).all()
