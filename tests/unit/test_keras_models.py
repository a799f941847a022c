"""Real Keras 3 models (KERAS_BACKEND=torch, no TensorFlow), saved as .keras, opened by rnnviz:
every hidden state (and the LSTM's every cell state) and the final probabilities equal Keras's
own numbers, ≤ 1e-5.

Weights are random (not trained) so that every gate block, bias and direction matters: a
swapped GRU gate or a missing recurrent bias changes the numbers.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")       # before keras is imported: no TensorFlow here

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

import rnnviz  # noqa: E402
from rnnviz.keras_model import load_keras_model  # noqa: E402

# Keras 3.12 converts its variables with np.array(x) in a way NumPy 2 warns about: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

V, E, H = 13, 5, 4
VOCAB = ["", "[UNK]"] + [f"w{i}" for i in range(V - 2)]          # get_vocabulary()'s layout
TOKEN_SEQUENCES = [["w1"], ["w3", "w7", "w2"], ["w0", "unseen", "w10", "w4", "w4", "w9"]]
TOLERANCE = 1e-5


def save_model(path, *body, functional=False, seed=0):
    """A Sequential (or functional) Keras model over int ids with random weights, saved at `path`."""
    if functional:
        inputs = keras.Input((None,), dtype="int32")
        x = inputs
        for layer in body:
            x = layer(x)
        net = keras.Model(inputs, x)
    else:
        net = keras.Sequential([keras.Input((None,), dtype="int32"), *body])
    rng = np.random.default_rng(seed)
    net.set_weights([rng.normal(0.0, 0.6, w.shape) for w in net.get_weights()])
    net.save(path)
    return net


def as_array(x) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float64)


def run_rebuilt(layer, x, **settings):
    """Keras's own output of a copy of a recurrent (or Bidirectional) layer with other return
    settings (return_sequences, return_state) and the same weights, on the input x."""
    config = layer.get_config()
    for inner in ("layer", "backward_layer"):
        if inner in config:
            config[inner]["config"].update(settings)
    if "layer" not in config:
        config.update(settings)
    copy = type(layer).from_config(config)
    copy.build(tuple(x.shape))
    copy.set_weights(layer.get_weights())
    return copy(x)


def keras_sequences(net, ids) -> list[np.ndarray]:
    """Each recurrent layer's output at every step, [T, D*H], computed by Keras's own layers."""
    x = keras.ops.convert_to_tensor(np.array([ids]))
    outputs = []
    for layer in net.layers:
        if type(layer).__name__ in ("Bidirectional", "SimpleRNN", "LSTM", "GRU"):
            x = run_rebuilt(layer, x, return_sequences=True)
            outputs.append(as_array(x)[0])
        elif type(layer).__name__ == "Embedding":
            x = layer(x)
        elif type(layer).__name__ not in ("Dropout",):
            break
    return outputs


def keras_cell_states(layer, x) -> np.ndarray:
    """An LSTM layer's c_t at every step and direction, [D, T, H]: the final c of Keras's own
    run over the text up to t (forward) or from t to the end (backward, go_backwards=True)."""
    directions = [layer.forward_layer, layer.backward_layer] if hasattr(layer, "forward_layer") else [layer]
    steps = x.shape[1]
    states = []
    for d, direction in enumerate(directions):
        pieces = [x[:, : t + 1] if d == 0 else x[:, t:] for t in range(steps)]
        states.append([as_array(run_rebuilt(direction, piece, return_sequences=False, return_state=True)[2])[0]
                       for piece in pieces])
    return np.array(states)


def expected_probs(net, ids) -> np.ndarray:
    """Keras's prediction as class probabilities: softmax output as is, logits through softmax,
    one sigmoid output p as [1 - p, p]."""
    out = as_array(net(np.array([ids])))[0]
    activation = net.layers[-1].get_config().get("activation", "softmax")      # a Softmax layer has none
    if out.size == 1:
        p = out[0] if activation == "sigmoid" else 1 / (1 + np.exp(-out[0]))
        return np.array([1 - p, p])
    if activation == "linear":
        return np.exp(out - out.max()) / np.exp(out - out.max()).sum()
    return out


MODELS = {
    "simple rnn, tanh, last state, softmax": lambda: [
        layers.Embedding(V, E), layers.SimpleRNN(H), layers.Dense(3, activation="softmax")],
    "simple rnn, relu, mean pooling, logits": lambda: [
        layers.Embedding(V, E), layers.SimpleRNN(H, activation="relu", return_sequences=True),
        layers.GlobalAveragePooling1D(), layers.Dense(3)],
    "lstm, last state, dropout, one sigmoid": lambda: [
        layers.Embedding(V, E), layers.LSTM(H), layers.Dropout(0.3), layers.Dense(1, activation="sigmoid")],
    "gru (reset_after), mean pooling, softmax": lambda: [
        layers.Embedding(V, E), layers.GRU(H, return_sequences=True), layers.GlobalAveragePooling1D(),
        layers.Dense(4, activation="softmax")],
    "bidirectional lstm, last state, softmax": lambda: [
        layers.Embedding(V, E), layers.Bidirectional(layers.LSTM(H)), layers.Dense(3, activation="softmax")],
    "two stacked grus, last state, one sigmoid": lambda: [
        layers.Embedding(V, E), layers.GRU(H, return_sequences=True), layers.GRU(H),
        layers.Dense(1, activation="sigmoid")],
    "two bidirectional grus, masked embedding, mean pooling": lambda: [
        layers.Embedding(V, E, mask_zero=True), layers.Bidirectional(layers.GRU(H, return_sequences=True)),
        layers.Dropout(0.1), layers.Bidirectional(layers.GRU(H, return_sequences=True)),
        layers.GlobalAveragePooling1D(), layers.Dense(3, activation="softmax")],
    "two bidirectional lstms, last state, no biases": lambda: [
        layers.Embedding(V, E), layers.Bidirectional(layers.LSTM(H, return_sequences=True, use_bias=False)),
        layers.Bidirectional(layers.LSTM(H, use_bias=False)), layers.Dense(2, activation="softmax", use_bias=False)],
    "lstm, one logit without activation": lambda: [
        layers.Embedding(V, E), layers.LSTM(H), layers.Dense(1)],
    "gru, dense then an activation layer": lambda: [
        layers.Embedding(V, E), layers.GRU(H), layers.Dense(3), layers.Activation("softmax")],
    "simple rnn, dense then a softmax layer": lambda: [
        layers.Embedding(V, E), layers.SimpleRNN(H), layers.Dense(3), layers.Softmax()],
}


@pytest.mark.parametrize("name", MODELS)
def test_every_state_and_prediction_equals_keras(tmp_path, name):
    net = save_model(tmp_path / "model.keras", *MODELS[name](), seed=len(name))
    model = load_keras_model(tmp_path / "model.keras", vocab=VOCAB)
    recurrent = [layer for layer in net.layers if type(layer).__name__ in ("Bidirectional", "LSTM", "GRU", "SimpleRNN")]
    for tokens in TOKEN_SEQUENCES:
        t = rnnviz.trace(model, tokens)
        ids = [VOCAB.index(token) if token in VOCAB else 1 for token in tokens]
        assert list(t.ids) == ids
        sequences = keras_sequences(net, ids)
        assert len(sequences) == model.spec.layers == t.hidden.shape[0]
        for k, sequence in enumerate(sequences):                        # [T, D*H]
            for d in range(model.spec.directions):
                np.testing.assert_allclose(t.hidden[k, d], sequence[:, d * H:(d + 1) * H], atol=TOLERANCE)
            if t.cell is not None:
                below = as_array(net.layers[0](np.array([ids]))) if k == 0 else sequences[k - 1][None]
                cells = keras_cell_states(recurrent[k], keras.ops.convert_to_tensor(below))
                np.testing.assert_allclose(t.cell[k], cells, atol=TOLERANCE)
        np.testing.assert_allclose(t.probs[-1], expected_probs(net, ids), atol=TOLERANCE)


def test_a_functional_model_reads_like_a_sequential_one(tmp_path):
    body = [layers.Embedding(V, E), layers.LSTM(H), layers.Dense(3, activation="softmax")]
    net = save_model(tmp_path / "functional.keras", *body, functional=True, seed=3)
    model = load_keras_model(tmp_path / "functional.keras", vocab=VOCAB, labels=["a", "b", "c"])
    ids = [2, 5, 1, 9]
    t = rnnviz.trace(model, [VOCAB[i] for i in ids])
    np.testing.assert_allclose(t.probs[-1], as_array(net(np.array([ids])))[0], atol=TOLERANCE)
    assert t.labels == ["a", "b", "c"]
    assert model.card["layers"] == ["Embedding(13, 5)", "LSTM(4)", "Dense(3, softmax)"]


def test_the_model_reads_text_with_keras_rules_and_says_what_it_is(tmp_path):
    save_model(tmp_path / "m.keras", layers.Embedding(V, E), layers.GRU(H), layers.Dense(1, activation="sigmoid"))
    model = load_keras_model(tmp_path / "m.keras", vocab=VOCAB)
    t = rnnviz.trace(model, "W1, w2! [UNK] W99")
    assert t.tokens == ["w1", "w2", "unk", "w99"]           # lower-cased, punctuation deleted
    assert list(t.known) == [True, True, False, False]
    assert t.tokenizer == "keras" and model.spec.tokenizer == "keras"
    assert t.labels == ["class 0", "class 1"]                # one sigmoid output: two classes
    assert model.spec.cell_kind.title == "GRU" and model.spec.pooling == "last"
    assert model.card["task"] == "keras"
    assert model.card["layers"] == ["Embedding(13, 5)", "GRU(4)", "Dense(1, sigmoid)"]


def test_a_model_inside_a_model_is_opened_up(tmp_path):
    inner = keras.Sequential([layers.Embedding(V, E), layers.Bidirectional(layers.GRU(H))], name="encoder")
    net = save_model(tmp_path / "nested.keras", inner, layers.Dense(2, activation="softmax"), seed=5)
    model = load_keras_model(tmp_path / "nested.keras", vocab=VOCAB)
    ids = [4, 4, 2, 11]
    t = rnnviz.trace(model, [VOCAB[i] for i in ids])
    assert model.spec.bidirectional and model.spec.pooling == "last"
    np.testing.assert_allclose(t.probs[-1], as_array(net(np.array([ids])))[0], atol=TOLERANCE)


def test_a_functional_model_that_branches_is_refused(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    x = layers.Embedding(V, E)(inputs)
    both = layers.Concatenate()([layers.LSTM(H)(x), layers.GRU(H)(x)])
    keras.Model(inputs, layers.Dense(2, activation="softmax")(both)).save(tmp_path / "branches.keras")
    with pytest.raises(rnnviz.errors.CheckpointError, match="not one chain of layers"):
        load_keras_model(tmp_path / "branches.keras", vocab=VOCAB)


def test_a_model_trained_with_fit_predicts_the_same_on_typed_text(tmp_path):
    keras.utils.set_random_seed(11)
    net = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(V, E),
                            layers.Bidirectional(layers.GRU(H, return_sequences=True)), layers.GlobalAveragePooling1D(),
                            layers.Dense(3, activation="softmax")])
    net.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(11)
    ids = rng.integers(2, V, size=(48, 6))
    net.fit(ids, ids[:, 0] % 3, epochs=2, batch_size=16, verbose=0)
    net.save(tmp_path / "trained.keras")
    model = load_keras_model(tmp_path / "trained.keras", vocab=VOCAB, labels=["red", "green", "blue"])
    text = "W3, w7... W2! (w10) w0"
    t = rnnviz.trace(model, text)
    assert t.tokens == ["w3", "w7", "w2", "w10", "w0"]
    keras_ids = [VOCAB.index(token) for token in rnnviz.text.keras_standard(text)]
    np.testing.assert_allclose(t.probs[-1], as_array(net(np.array([keras_ids])))[0], atol=TOLERANCE)
    for d, sequence in enumerate(np.split(keras_sequences(net, keras_ids)[0], 2, axis=1)):
        np.testing.assert_allclose(t.hidden[0, d], sequence, atol=TOLERANCE)
