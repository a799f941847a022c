"""Keras files rnnviz opens or refuses: a model that carries its TextVectorization (its vocabulary
read from the file), Keras's text rules, and a clear sentence for every file it cannot read.
KERAS_BACKEND=torch, no TensorFlow (TextVectorization itself cannot run here: the test writes its
config and vocabulary into a real saved model the way Keras 3 saves them)."""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")       # before keras is imported: no TensorFlow here

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from keras import layers  # noqa: E402

import rnnviz  # noqa: E402
from rnnviz.checkpoints import MAX_WEIGHTS_BYTES  # noqa: E402
from rnnviz.errors import CheckpointError, RnnvizError  # noqa: E402
from rnnviz.keras_model import load_keras_model  # noqa: E402

# Keras 3.12 converts its variables with np.array(x) in a way NumPy 2 warns about: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

WORDS = ["the", "cat", "dog", "sat", "dont", "its"]
VOCAB = ["", "[UNK]", *WORDS]


def saved(path, *body):
    net = keras.Sequential([keras.Input((None,), dtype="int32"), *body])
    rng = np.random.default_rng(7)
    net.set_weights([rng.normal(0.0, 0.6, w.shape) for w in net.get_weights()])
    net.save(path)
    return net


def small(units=3, outputs=2):
    return [layers.Embedding(len(VOCAB), 4), layers.LSTM(units), layers.Dense(outputs, activation="softmax")]


def with_vectorizer(plain, out, vocabulary_file=True, **settings):
    """`plain` (a saved .keras) as Keras 3 saves Sequential([Input(dtype="string"), TextVectorization,
    …]): the layer's config first, its adapted vocabulary in assets/, empty weight groups for it."""
    source = zipfile.ZipFile(plain)
    config = json.loads(source.read("config.json"))
    vectorizer = {"module": "keras.layers", "class_name": "TextVectorization", "registered_name": None, "config": {
        "name": "text_vectorization", "trainable": True, "dtype": "string", "max_tokens": len(VOCAB),
        "standardize": "lower_and_strip_punctuation", "split": "whitespace", "ngrams": None, "output_mode": "int",
        "output_sequence_length": None, "pad_to_max_tokens": False, "sparse": False, "ragged": False,
        "vocabulary": None, "idf_weights": None, "encoding": "utf-8", "vocabulary_size": len(VOCAB), **settings}}
    strings = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
               "config": {"batch_shape": [None, 1], "dtype": "string", "sparse": False, "ragged": False,
                          "name": "input_layer"}}
    config["config"]["layers"] = [strings, vectorizer, *config["config"]["layers"][1:]]
    config["config"]["build_input_shape"] = [None, 1]
    weights = io.BytesIO(source.read("model.weights.h5"))
    with h5py.File(weights, "a") as f:
        f.create_group("layers/text_vectorization/vars")
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("metadata.json", source.read("metadata.json"))
        target.writestr("config.json", json.dumps(config))
        target.writestr("model.weights.h5", weights.getvalue())
        if vocabulary_file:
            target.writestr("assets/layers/text_vectorization/vocabulary.txt", "\n".join(VOCAB))
    return out


def test_keras_text_rules_written_out_rule_by_rule():
    text = "Don't STOP: the Cat's 5-star (U.S.) dog,\tsat!"
    lowered = "don't stop: the cat's 5-star (u.s.) dog,\tsat!"                 # 1. lower-case
    stripped = "dont stop the cats 5star us dog\tsat"                           # 2. delete ASCII punctuation
    tokens = ["dont", "stop", "the", "cats", "5star", "us", "dog", "sat"]       # 3. split on whitespace
    assert text.lower() == lowered
    assert "".join(c for c in lowered if c not in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'") == stripped
    assert stripped.split() == tokens
    assert rnnviz.text.keras_standard(text) == tokens


def test_a_model_with_its_text_vectorization_brings_its_vocabulary(tmp_path):
    net = saved(tmp_path / "plain.keras", *small())
    model = load_keras_model(with_vectorizer(tmp_path / "plain.keras", tmp_path / "news.keras"))
    assert model.vocab.tokens == VOCAB
    assert model.card["layers"][0] == "TextVectorization"
    t = rnnviz.trace(model, "The DOG, the cat... Sat!!")
    assert t.tokens == ["the", "dog", "the", "cat", "sat"]
    assert list(t.ids) == [2, 4, 2, 3, 5]
    np.testing.assert_allclose(t.probs[-1], keras.ops.convert_to_numpy(net(np.array([t.ids])))[0], atol=1e-5)


def test_a_vectorizer_in_front_of_the_trained_model_as_one_model(tmp_path):
    """Sequential([vectorizer, model]): the notebook's "end-to-end" export of a trained model."""
    net = saved(tmp_path / "plain.keras", keras.Sequential(small(), name="trained"))
    model = load_keras_model(with_vectorizer(tmp_path / "plain.keras", tmp_path / "end_to_end.keras"))
    t = rnnviz.trace(model, "Its the cat; dont!")
    assert t.tokens == ["its", "the", "cat", "dont"] and list(t.ids) == [7, 2, 3, 6]
    np.testing.assert_allclose(t.probs[-1], keras.ops.convert_to_numpy(net(np.array([t.ids])))[0], atol=1e-5)


def test_a_vocabulary_given_in_the_vectorizers_config_gets_keras_specials(tmp_path):
    saved(tmp_path / "plain.keras", *small())
    path = with_vectorizer(tmp_path / "plain.keras", tmp_path / "v.keras", vocabulary_file=False, vocabulary=WORDS)
    assert load_keras_model(path).vocab.tokens == VOCAB


def test_a_vectorizer_with_other_text_rules_is_refused(tmp_path):
    saved(tmp_path / "plain.keras", *small())
    path = with_vectorizer(tmp_path / "plain.keras", tmp_path / "v.keras", standardize="lower")
    with pytest.raises(CheckpointError, match="standardize='lower'"):
        load_keras_model(path)


@pytest.mark.parametrize("layout", ["list", "file with CRLF and a final newline", "file with a BOM"])
def test_vocab_as_a_list_or_a_text_file(tmp_path, layout):
    saved(tmp_path / "m.keras", *small())
    data = {"file with CRLF and a final newline": "\r\n".join(VOCAB) + "\r\n",
            "file with a BOM": "\ufeff" + "\n".join(VOCAB)}.get(layout)
    if data is not None:
        (tmp_path / "vocab.txt").write_bytes(data.encode("utf-8"))
    vocab = VOCAB if data is None else tmp_path / "vocab.txt"
    model = load_keras_model(tmp_path / "m.keras", vocab=vocab)
    assert model.vocab.tokens == VOCAB and model.vocab.unk_id == 1
    assert model.vocab.known(["", "[UNK]", "cat"]) == [False, False, True]


def refused(tmp_path, *body, vocab=VOCAB) -> str:
    saved(tmp_path / "m.keras", *body)
    with pytest.raises(CheckpointError) as caught:
        load_keras_model(tmp_path / "m.keras", vocab=vocab)
    return str(caught.value)


REFUSED = {   # a layout rnnviz cannot read -> words its refusal must contain
    "gru with reset_after=False": (lambda: [layers.Embedding(8, 4), layers.GRU(3, reset_after=False),
                                            layers.Dense(2)], ["(GRU)", "reset_after=False"]),
    "conv1d before the rnn": (lambda: [layers.Embedding(8, 4), layers.Conv1D(3, 2), layers.LSTM(3), layers.Dense(2)],
                              ["(Conv1D)", "SimpleRNN, LSTM or GRU must follow the Embedding"]),
    "max pooling": (lambda: [layers.Embedding(8, 4), layers.LSTM(3, return_sequences=True),
                             layers.GlobalMaxPooling1D(), layers.Dense(2)], ["(GlobalMaxPooling1D)", "max pooling"]),
    "every step into dense": (lambda: [layers.Embedding(8, 4), layers.LSTM(3, return_sequences=True), layers.Dense(2)],
                              ["(Dense)", "GlobalAveragePooling1D must follow"]),
    "two dense layers": (lambda: [layers.Embedding(8, 4), layers.LSTM(3), layers.Dense(5, activation="relu"),
                                  layers.Dense(2)], ["(Dense)", "Dense layer must be the last"]),
    "lstm with relu": (lambda: [layers.Embedding(8, 4), layers.LSTM(3, activation="relu"), layers.Dense(2)],
                       ["(LSTM)", "activation is relu"]),
    "hard sigmoid gates": (lambda: [layers.Embedding(8, 4), layers.GRU(3, recurrent_activation="hard_sigmoid"),
                                    layers.Dense(2)], ["(GRU)", 'recurrent_activation="sigmoid"']),
    "two kinds of layer": (lambda: [layers.Embedding(8, 4), layers.GRU(3, return_sequences=True), layers.LSTM(3),
                                    layers.Dense(2)], ["(LSTM)", "same kind and size as the first (GRU, 3 units)"]),
    "two sizes": (lambda: [layers.Embedding(8, 4), layers.LSTM(4, return_sequences=True), layers.LSTM(3),
                           layers.Dense(2)], ["(LSTM)", "same kind and size as the first (LSTM, 4 units)"]),
    "bidirectional sum": (lambda: [layers.Embedding(8, 4), layers.Bidirectional(layers.LSTM(3), merge_mode="sum"),
                                   layers.Dense(2)], ["(Bidirectional)", "merge_mode='sum'"]),
    "backwards alone": (lambda: [layers.Embedding(8, 4), layers.SimpleRNN(3, go_backwards=True), layers.Dense(2)],
                        ["(SimpleRNN)", "go_backwards=True"]),
    "several sigmoid outputs": (lambda: [layers.Embedding(8, 4), layers.LSTM(3), layers.Dense(3, activation="sigmoid")],
                                ["(Dense)", "Dense(3, sigmoid) is not a choice among classes"]),
    "a layer before the embedding": (lambda: [layers.Identity(), layers.Embedding(8, 4), layers.LSTM(3),
                                              layers.Dense(2)], ["(Identity)", "the first layer must be an Embedding"]),
}


@pytest.mark.parametrize("name", REFUSED)
def test_layouts_rnnviz_cannot_read_are_refused_naming_the_layer(tmp_path, name):
    body, words = REFUSED[name]
    message = refused(tmp_path, *body())
    assert all(word in message for word in words), message
    assert "rnnviz reads Keras models laid out as" in message


def test_a_vocabulary_of_another_size_is_refused_with_both_numbers(tmp_path):
    message = refused(tmp_path, layers.Embedding(11, 4), layers.LSTM(3), layers.Dense(2))
    assert "8 tokens" in message and "input_dim 11" in message


def test_a_lambda_layer_never_runs(tmp_path):
    ran = []
    body = [layers.Embedding(8, 4), layers.Lambda(lambda x: ran.append(1) or x * 2), layers.LSTM(3), layers.Dense(2)]
    saved(tmp_path / "m.keras", *body)
    ran.clear()
    with pytest.raises(CheckpointError, match="Lambda layer"):
        load_keras_model(tmp_path / "m.keras", vocab=VOCAB)
    assert ran == []


def test_a_weights_only_file_cannot_be_rebuilt(tmp_path):
    net = saved(tmp_path / "m.keras", *small())
    net.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(CheckpointError, match="only weights.*model.save"):
        load_keras_model(tmp_path / "m.weights.h5", vocab=VOCAB)


def test_an_uploaded_file_opens_from_its_bytes(tmp_path):
    net = saved(tmp_path / "m.keras", *small())
    model = load_keras_model((tmp_path / "m.keras").read_bytes(), vocab=VOCAB)
    t = rnnviz.trace(model, "the dog sat")
    np.testing.assert_allclose(t.probs[-1], keras.ops.convert_to_numpy(net(np.array([t.ids])))[0], atol=1e-5)
    with pytest.raises(CheckpointError, match="^the uploaded file is not a Keras model file"):
        load_keras_model(b"just some text", vocab=VOCAB)


def test_a_whole_model_h5_opens(tmp_path):
    net = saved(tmp_path / "m.keras", *small())
    net.save(tmp_path / "m.h5")
    model = load_keras_model(tmp_path / "m.h5", vocab=VOCAB)
    t = rnnviz.trace(model, "the cat sat")
    np.testing.assert_allclose(t.probs[-1], keras.ops.convert_to_numpy(net(np.array([t.ids])))[0], atol=1e-5)


def test_files_that_are_not_keras_models(tmp_path):
    torch.save({"w": torch.zeros(2)}, tmp_path / "weights.keras")
    with zipfile.ZipFile(tmp_path / "other.keras", "w") as z:
        z.writestr("readme.txt", "hello")
    (tmp_path / "notes.keras").write_text("not a model", encoding="utf-8")
    with pytest.raises(CheckpointError, match="PyTorch file.*load_lesson_model"):
        load_keras_model(tmp_path / "weights.keras", vocab=VOCAB)
    with pytest.raises(CheckpointError, match="not a Keras model file"):
        load_keras_model(tmp_path / "notes.keras", vocab=VOCAB)
    with pytest.raises(CheckpointError, match="zip file but not a Keras model"):
        load_keras_model(tmp_path / "other.keras", vocab=VOCAB)
    with pytest.raises(CheckpointError, match="Cannot find the file missing.keras"):
        load_keras_model(tmp_path / "missing.keras", vocab=VOCAB)


def test_an_oversized_file_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "huge.keras"
    with path.open("wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(MAX_WEIGHTS_BYTES + 1)               # sparse: no disk is used
    limit = f"larger than {MAX_WEIGHTS_BYTES // 2**20} MB"
    with pytest.raises(CheckpointError, match=limit):
        load_keras_model(path, vocab=VOCAB)
    with pytest.raises(CheckpointError, match=limit):
        load_keras_model(b"PK\x03\x04" + bytes(MAX_WEIGHTS_BYTES), vocab=VOCAB)


def test_without_a_vocabulary_it_asks_for_one(tmp_path):
    saved(tmp_path / "m.keras", *small())
    with pytest.raises(CheckpointError, match=r"vocab=vectorizer.get_vocabulary\(\)"):
        load_keras_model(tmp_path / "m.keras")


def test_without_keras_it_says_what_to_install(tmp_path, monkeypatch):
    saved(tmp_path / "m.keras", *small())
    monkeypatch.setitem(sys.modules, "keras", None)     # `import keras` now fails as if not installed
    with pytest.raises(RnnvizError, match=r"pip install rnnviz\[keras\]"):
        load_keras_model(tmp_path / "m.keras", vocab=VOCAB)


def test_a_truncated_file_is_refused(tmp_path):
    saved(tmp_path / "m.keras", *small())
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a readable .keras file"):
        load_keras_model(tmp_path / "cut.keras", vocab=VOCAB)


def test_weights_that_are_not_finite_are_refused(tmp_path):
    net = keras.Sequential([keras.Input((None,), dtype="int32"), *small()])
    weights = net.get_weights()
    weights[1][0, 0] = np.nan                            # the LSTM's kernel
    net.set_weights(weights)
    net.save(tmp_path / "nan.keras")
    with pytest.raises(CheckpointError, match="rnn.weight_ih_l0 must hold finite"):
        load_keras_model(tmp_path / "nan.keras", vocab=VOCAB)


def test_class_names_must_match_the_outputs(tmp_path):
    saved(tmp_path / "m.keras", *small(outputs=3))
    with pytest.raises(CheckpointError, match="3 classes but 2 class names"):
        load_keras_model(tmp_path / "m.keras", vocab=VOCAB, labels=["yes", "no"])
    assert load_keras_model(tmp_path / "m.keras", vocab=VOCAB, labels=["a", "b", "c"]).labels == ["a", "b", "c"]


@keras.saving.register_keras_serializable(package="rnnviz_tests")
class StudentsLSTM(layers.LSTM):
    """A layer of the student's own (here it computes what LSTM does, but rnnviz cannot know that)."""


@keras.saving.register_keras_serializable(package="rnnviz_tests")
class StudentsModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding, self.rnn, self.fc = layers.Embedding(8, 4), layers.GRU(3), layers.Dense(2)

    def call(self, ids):
        return self.fc(self.rnn(self.embedding(ids) * 2.0))          # code: rnnviz cannot see the "* 2"


def test_a_layer_or_model_of_the_students_own_is_refused(tmp_path):
    saved(tmp_path / "layer.keras", layers.Embedding(8, 4), StudentsLSTM(3), layers.Dense(2))
    with pytest.raises(CheckpointError, match="'students_lstm.*' \\(StudentsLSTM\\).*a class of your own"):
        load_keras_model(tmp_path / "layer.keras", vocab=VOCAB)
    net = StudentsModel()
    net(np.zeros((1, 3), dtype="int32"))
    net.save(tmp_path / "model.keras")
    with pytest.raises(CheckpointError, match="subclassed keras.Model \\(StudentsModel\\)"):
        load_keras_model(tmp_path / "model.keras", vocab=VOCAB)


def test_keras_runs_on_torch_when_no_backend_was_chosen_and_tensorflow_is_missing():
    probe = ("import importlib.util, rnnviz.keras_model as k\n"
             "assert importlib.util.find_spec('tensorflow') is None\n"
             "print(k.import_keras().backend.backend())\n")
    env = {name: value for name, value in os.environ.items() if name != "KERAS_BACKEND"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300,
                         cwd=Path(rnnviz.__file__).parent.parent)
    assert out.stdout.split() == ["torch"], out.stderr[-2000:]


def rewritten(plain, out, edit):
    """A copy of the saved .keras `plain` whose config.json went through `edit` (a crafted file)."""
    source = zipfile.ZipFile(plain)
    config = json.loads(source.read("config.json"))
    edit(config["config"]["layers"])
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, json.dumps(config) if name == "config.json" else source.read(name))
    return out


def gadget(module, function):
    return {"module": module, "class_name": "function", "config": function, "registered_name": "function"}


CRAFTED = {   # configs a hostile file could hold -> what the refusal says; Keras is never handed them
    "a lambda calling a keras function": lambda layers: layers.insert(2, {
        "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
        "config": {"name": "x", "function": gadget("keras.config", "enable_unsafe_deserialization")}}),
    "an activation naming os.system": lambda layers: layers[2]["config"].update(activation=gadget("os", "system")),
    "a known layer from another module": lambda layers: layers[3].update(module="builtins"),
    "a keras layer that unpickles": lambda layers: layers.insert(2, {
        "module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": None,
        "config": {"name": "wrapped", "module": "gASVAAAAAAAAAAA="}}),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_config_is_refused_before_keras_reads_it(tmp_path, name):
    saved(tmp_path / "plain.keras", *small())
    path = rewritten(tmp_path / "plain.keras", tmp_path / "crafted.keras", CRAFTED[name])
    with pytest.raises(CheckpointError) as caught:
        load_keras_model(path, vocab=VOCAB)
    assert ("a Lambda layer or a function (Python code in the file)" in str(caught.value)   # rnnviz's own check
            or "(TorchModuleWrapper): it is not one of Keras's own layers that rnnviz knows" in str(caught.value))


def test_a_lambda_in_an_h5_file_never_runs(tmp_path):
    ran = []
    net = keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(8, 4),
                            layers.Lambda(lambda x: ran.append(1) or x), layers.LSTM(3), layers.Dense(2)])
    net.save(tmp_path / "m.h5")
    ran.clear()
    with pytest.raises(CheckpointError, match=r"a Lambda layer or a function \(Python code in the file\)"):
        load_keras_model(tmp_path / "m.h5", vocab=VOCAB)
    assert ran == []
