"""Open a TensorFlow student's Keras model: a Keras 3 `.keras` file, or a whole-model `.h5`.

    m = rnnviz.load_keras_model("news.keras")                       # vocabulary read from the file
    m = rnnviz.load_keras_model("news.keras", vocab=vectorizer.get_vocabulary())

The file is checked before Keras reads it (size, kind, and every class its config names:
`keras_config`), then Keras opens a copy holding exactly the checked config, with
`keras.saving.load_model(compile=False, safe_mode=True)`: no code from the file ever runs. The
layers are read and converted exactly by `keras_layers`.

Keras runs on any backend. When keras is not imported yet and TensorFlow is not installed,
KERAS_BACKEND defaults to "torch" (rnnviz already needs torch); a KERAS_BACKEND environment
variable you set wins.

The vocabulary is TextVectorization's (`get_vocabulary()`: "" for padding at id 0, "[UNK]" at
id 1). A model that starts with its TextVectorization layer carries it (the layer itself needs
TensorFlow, so rnnviz takes the vocabulary out of the file and leaves the layer out: rnnviz
tokenizes with the same rules, `rnnviz.text.keras_standard`). Otherwise pass `vocab=` (the list,
or a text file with one token per line). rnnviz reads one text at a time, unpadded: the model
predicts what it predicts in the notebook for that text on its own (a model whose vectorizer
pads every text to output_sequence_length sees those padding ids too, unless its Embedding has
mask_zero=True).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from .checkpoints import MAX_CARD_BYTES, MAX_WEIGHTS_BYTES, load_weights
from .errors import CheckpointError, RnnvizError
from .keras_config import (
    KERAS_SPECIALS,
    VECTORIZER,
    is_vectorizer_asset,
    runnable_config,
    vectorizer_vocabulary,
    with_specials,
)
from .keras_layers import kind_of, read_layers
from .model import Model, ModelSpec
from .text import Vocab

INSTALL = "pip install rnnviz[keras]"
ZIP_MAGIC, HDF5_MAGIC = b"PK\x03\x04", b"\x89HDF\r\n\x1a\n"
SAVE_WHOLE = 'save the whole model with model.save("model.keras")'


def load_keras_model(path, vocab=None, labels=None) -> Model:
    """A Model from a saved Keras model: `path` is the file, or its bytes (an upload). See the
    module's docstring for the layouts and `vocab`. `labels`: class names (default "class 0",
    "class 1", …; a Dense(1, sigmoid) has two classes)."""
    if not isinstance(path, bytes):
        check_file(Path(path), MAX_WEIGHTS_BYTES)
    elif len(path) > MAX_WEIGHTS_BYTES:
        raise CheckpointError(f"The model file is larger than {MAX_WEIGHTS_BYTES // 2**20} MB, the limit.")
    keras = import_keras()
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "the uploaded file" if isinstance(path, bytes) else Path(path)   # named in messages
        if isinstance(path, bytes):
            original.write_bytes(path)
        source, file_vocab, vectorized = prepare(original, Path(folder), keras)
        net = open_with_keras(keras, source)
        reading = read_layers(chain_of(net))
    tokens = read_tokens(vocab) if vocab is not None else file_vocab
    if tokens is None:
        raise CheckpointError("This model file holds no vocabulary: pass the TextVectorization's, "
                              "load_keras_model(path, vocab=vectorizer.get_vocabulary()).")
    size = reading.fields["vocab_size"]
    if len(tokens) != size:
        raise CheckpointError(f"The vocabulary has {len(tokens):,} tokens but the Embedding has input_dim "
                              f"{size:,}: they must come from the same notebook run (the Embedding's "
                              "input_dim = len(vectorizer.get_vocabulary())).")
    labels = [f"class {i}" for i in range(reading.outputs)] if labels is None else [str(x) for x in labels]
    if len(labels) != reading.outputs:
        raise CheckpointError(f"The model has {reading.outputs} classes but {len(labels)} class names were given.")
    spec = ModelSpec(**reading.fields, head="classifier", labels=tuple(labels), tokenizer="keras")
    layers = ([VECTORIZER] if vectorized else []) + reading.layers
    card = {"task": "keras", "source": "a Keras model", "layers": layers}
    model = Model(spec, Vocab(tokens, unk=KERAS_SPECIALS[1], specials=KERAS_SPECIALS), card)
    load_weights(model, reading.state)
    return model


def check_file(path: Path, limit: int) -> None:
    if path.is_dir():
        raise CheckpointError(f"{path.name} is a folder (a TensorFlow SavedModel?): {SAVE_WHOLE}.")
    if not path.is_file():
        raise CheckpointError(f"Cannot find the file {path.name}.")
    if path.stat().st_size > limit:
        raise CheckpointError(f"{path.name} is larger than {limit // 2**20} MB, the limit for a model file.")


def import_keras():
    """Keras 3, on torch unless a backend was chosen or TensorFlow is there (see the docstring)."""
    if "keras" not in sys.modules and importlib.util.find_spec("tensorflow") is None:
        os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError as err:
        raise RnnvizError(f"Opening a Keras model needs Keras 3 ({INSTALL}); importing it failed: {err}") from None
    if int(keras.__version__.split(".")[0]) < 3:
        raise RnnvizError(f"rnnviz reads models with Keras 3, but Keras {keras.__version__} is installed: {INSTALL}.")
    return keras


def prepare(path: Path, folder: Path, keras) -> tuple[Path, list[str] | None, bool]:
    """A copy of the file for Keras to open, holding the checked config (keras_config.runnable_config),
    the vocabulary the file carries (None if none), and whether it had a TextVectorization layer."""
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(ZIP_MAGIC):
        return prepare_keras_zip(path, folder / "model.keras", keras)
    if magic == HDF5_MAGIC:
        return prepare_h5(path, folder / "model.h5", keras), None, False
    raise CheckpointError(f"{path.name} is not a Keras model file: rnnviz reads a .keras file "
                          f"({SAVE_WHOLE}) or a whole model saved as .h5.")


def prepare_keras_zip(path: Path, copy: Path, keras) -> tuple[Path, list[str] | None, bool]:
    """A .keras file: a zip of config.json, model.weights.h5 and assets/."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            if any(name.endswith("data.pkl") for name in entries):
                raise CheckpointError(f"{path.name} is a PyTorch file (torch.save), not a Keras model: open it "
                                      "with rnnviz.load_lesson_model.")
            if "config.json" not in entries or entries["config.json"].file_size > MAX_CARD_BYTES:
                raise CheckpointError(f"{path.name} is a zip file but not a Keras model (it has no config.json).")
            if sum(info.file_size for info in entries.values()) > 2 * MAX_WEIGHTS_BYTES:
                raise CheckpointError(f"{path.name} unpacks to more than {2 * MAX_WEIGHTS_BYTES // 2**20} MB.")
            original = json.loads(archive.read("config.json").decode("utf-8"))
            config, vectorized = runnable_config(original, keras)
            tokens = vectorizer_vocabulary(original, archive, MAX_CARD_BYTES) if vectorized else None
            with zipfile.ZipFile(copy, "w") as out:
                for name, info in entries.items():
                    if name != "config.json" and not is_vectorizer_asset(name):
                        out.writestr(info, archive.read(name))
                out.writestr("config.json", json.dumps(config))
            return copy, tokens, vectorized
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise CheckpointError(f"{path.name} is not a readable .keras file ({type(err).__name__}).") from None


def prepare_h5(path: Path, copy: Path, keras) -> Path:
    """A whole model saved as .h5 (its config in the "model_config" attribute), not only weights."""
    try:
        import h5py
    except ImportError:
        raise RnnvizError(f"Opening an .h5 Keras model needs h5py: {INSTALL}.") from None
    shutil.copyfile(path, copy)
    try:
        with h5py.File(copy, "r+") as f:
            text = f.attrs.get("model_config")
            if text is None:
                raise CheckpointError(f"{path.name} holds only weights (model.save_weights): rnnviz cannot "
                                      f"rebuild the layers without your code; {SAVE_WHOLE}.")
            config, vectorized = runnable_config(json.loads(text), keras)
            if vectorized:
                raise CheckpointError(f"{path.name} starts with a TextVectorization layer, whose vocabulary an .h5 "
                                      f"file cannot carry: {SAVE_WHOLE}.")
            f.attrs["model_config"] = json.dumps(config).encode("utf-8")
            f.attrs.pop("training_config", None)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path.name} is not a readable .h5 model ({type(err).__name__}).") from None
    return copy


def open_with_keras(keras, source: Path):
    """keras.saving.load_model, safe: no Lambda code runs; failures said in a student's words."""
    try:
        return keras.saving.load_model(source, compile=False, safe_mode=True)
    except Exception as err:  # noqa: BLE001 — whatever Keras raises, the student gets a sentence
        text = str(err)
        if "safe_mode" in text or "Lambda" in text:
            raise CheckpointError("This model holds a Lambda layer (Python code in the file): rnnviz never "
                                  "runs code from a model file.") from None
        if "Could not locate" in text or "custom" in text.lower():
            raise CheckpointError("This model uses a class of your own (a subclassed keras.Model or a custom "
                                  "layer): rnnviz reads models built from Keras's own layers, Sequential or "
                                  "functional.") from None
        first = text.strip().splitlines()[0][:200] if text.strip() else type(err).__name__
        raise CheckpointError(f"Keras could not open this file: {first}") from None


MODELS = ("Sequential", "Functional")       # the models whose layers say everything they compute


def chain_of(net) -> list:
    """The model's layers in order, nested Sequential/functional models opened up. A functional model
    must be one chain (each layer reads the layer before it); a subclassed model's call() is code
    rnnviz cannot read, and a layer of the student's own is refused by name."""
    if kind_of(net) not in MODELS:
        raise CheckpointError(f"This is a subclassed keras.Model ({kind_of(net)}): what its call() computes is "
                              "code rnnviz cannot read. Build the same layers with keras.Sequential.")
    if kind_of(net) == "Functional":
        for before, layer in zip(net.layers, net.layers[1:]):
            if layer.input is not before.output:
                raise CheckpointError(f"This functional model is not one chain of layers: {layer.name!r} does not "
                                      f"read the output of {before.name!r}.")
    layers = []
    for layer in net.layers:
        if not type(layer).__module__.startswith("keras."):
            raise CheckpointError(f"The layer {layer.name!r} ({kind_of(layer)}) is a class of your own: rnnviz "
                                  "reads models built from Keras's own layers.")
        layers += chain_of(layer) if kind_of(layer) in MODELS else [layer]
    return layers


def read_tokens(vocab) -> list[str]:
    """A TextVectorization vocabulary given as a list, a Vocab, bytes, or a file with one token per
    line (UTF-8 with or without BOM, \\n or \\r\\n; a final newline ends the last line)."""
    if isinstance(vocab, Vocab):
        return list(vocab.tokens)
    if isinstance(vocab, (list, tuple)):
        if not all(isinstance(token, str) for token in vocab):
            raise CheckpointError("The vocabulary must be a list of strings, as vectorizer.get_vocabulary() gives.")
        return with_specials(list(vocab))
    if isinstance(vocab, (str, Path)):
        check_file(Path(vocab), MAX_CARD_BYTES)
        vocab = Path(vocab).read_bytes()
    if not isinstance(vocab, bytes):
        raise CheckpointError("vocab must be vectorizer.get_vocabulary() (a list) or a file with one token per line.")
    try:
        text = vocab.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise CheckpointError("The vocabulary file must be UTF-8 text, one token per line.") from None
    lines = text.split("\n")
    return with_specials(lines[:-1] if text.endswith("\n") else lines)
