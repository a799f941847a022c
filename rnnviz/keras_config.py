"""A Keras model's config, checked before Keras builds anything from it.

Keras rebuilds a model by looking up every "class_name" (and "module") its config names and
calling it. Its safe_mode refuses Lambda layers, but safe_mode has been bypassed before (a config
naming a Keras function that turns safe mode off, or a legacy .h5 file that skipped it). So rnnviz
does not rely on it alone: every object the config names must be one of a short list — the layers
rnnviz reads (and a few harmless ones it refuses by name later), Keras's initializers,
regularizers, constraints and dtype policies — from a Keras module; anything else (a Lambda, a
function, a class of the student's own) is refused here, and Keras is then handed exactly the
config that was checked (without its compile settings, which rnnviz never uses).

The TextVectorization layer is taken out here too: it needs TensorFlow to exist at all, and
rnnviz tokenizes with the same rules (`rnnviz.text.keras_standard`) and the same vocabulary.
"""
from __future__ import annotations

import zipfile

from .errors import CheckpointError
from .keras_layers import LAYOUT

READABLE = {"Sequential", "Functional", "Model", "InputLayer", "Embedding", "SimpleRNN", "LSTM", "GRU",
            "SimpleRNNCell", "LSTMCell", "GRUCell", "RNN", "Bidirectional", "GlobalAveragePooling1D",
            "Dense", "Activation", "Softmax", "Dropout", "SpatialDropout1D", "GaussianDropout",
            "GaussianNoise", "TextVectorization"}
# Keras layers that only compute (no code, no pickles): they load, and `keras_layers` refuses them by name
REFUSED_BY_NAME = {"GlobalMaxPooling1D", "Conv1D", "MaxPooling1D", "AveragePooling1D", "Flatten", "Masking",
                   "Identity", "Concatenate", "Add", "LayerNormalization", "BatchNormalization", "Reshape", "ReLU"}
STRUCTURE = {"__keras_tensor__", "__tuple__"}          # how a functional config links its layers
DATA_MODULES = ("initializers", "regularizers", "constraints", "dtype_policies")
ACTIVATIONS = {"tanh", "relu", "sigmoid", "softmax", "linear"}
CODE = ("This model holds a Lambda layer or a function (Python code in the file): rnnviz never runs "
        "code from a model file")

VECTORIZER = "TextVectorization"
KERAS_SPECIALS = ("", "[UNK]")            # TextVectorization's padding and unknown word, ids 0 and 1
KERAS_TEXT_RULES = {"standardize": "lower_and_strip_punctuation", "split": "whitespace",
                    "ngrams": None, "output_mode": "int"}
# The integer input that replaces "strings → TextVectorization": rnnviz hands the Embedding the ids.
INT_INPUT = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
             "config": {"batch_shape": [None, None], "dtype": "int32", "sparse": False, "ragged": False,
                        "name": "token_ids"}}


def data_classes(keras) -> set[str]:
    """The class names Keras exports as initializers, regularizers, constraints and dtype policies."""
    modules = [getattr(keras, name, None) for name in DATA_MODULES]      # dtype_policies: Keras ≥ 3.1
    return {name for module in modules if module is not None for name in dir(module)
            if isinstance(getattr(module, name), type)}


def check_config(config, keras) -> None:
    """Refuse a config that names anything but Keras's own harmless classes (see the docstring)."""
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise CheckpointError("The model's config is not a Keras model's config.")
    top = config["class_name"]
    if top not in ("Sequential", "Functional", "Model"):
        raise CheckpointError(f"This is a subclassed keras.Model ({top}): what its call() computes is code "
                              "rnnviz cannot read. Build the same layers with keras.Sequential.")
    allowed = READABLE | REFUSED_BY_NAME | STRUCTURE | data_classes(keras)
    for item in objects(config):
        name, module = item["class_name"], item.get("module")
        if name in ("Lambda", "function", "__lambda__") and not is_activation(item):
            raise CheckpointError(f"{CODE}.")
        if name not in allowed and not is_activation(item):
            layer = item.get("config", {}).get("name") if isinstance(item.get("config"), dict) else None
            where = f"the layer {layer!r} ({name})" if layer else f"{name}"
            raise CheckpointError(f"rnnviz cannot read {where}: it is not one of Keras's own layers that rnnviz "
                                  f"knows (a class of your own?). rnnviz reads Keras models laid out as {LAYOUT}.")
        if module is not None and not (isinstance(module, str) and (module == "keras" or module.startswith("keras."))):
            raise CheckpointError(f"{CODE} (it names {str(module)[:80]!r}).")


def objects(value):
    """Every dict with a "class_name" in a config, however deep."""
    if isinstance(value, dict):
        if "class_name" in value:
            if not isinstance(value["class_name"], str):
                raise CheckpointError("The model's config is not a Keras model's config.")
            yield value
        for inner in value.values():
            yield from objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from objects(inner)


def is_activation(item: dict) -> bool:
    """A built-in activation written as a function object (older Keras 3 configs)."""
    return (item["class_name"] == "function" and str(item.get("module", "")).startswith("keras.activations")
            and item.get("config") in ACTIVATIONS)


def runnable_config(config: dict, keras) -> tuple[dict, bool]:
    """The checked config as Keras should build it: no compile settings, no TextVectorization (and
    whether there was one)."""
    config = {key: value for key, value in config.items() if key != "compile_config"}   # never used: not read
    check_config(config, keras)
    position = vectorizer_position(config)
    if position is None:
        return config, False
    inner = dict(config["config"])
    inner["layers"] = [INT_INPUT, *inner["layers"][position + 1:]]
    inner["build_input_shape"] = [None, None]
    return {**config, "config": inner}, True


def vectorizer_position(config: dict) -> int | None:
    """Where the TextVectorization layer is in a Sequential model's config (after an InputLayer at
    most), after checking it splits text by Keras's default rules; None without one."""
    if not any(item["class_name"] == VECTORIZER for item in objects(config)):
        return None
    layers = config.get("config", {}).get("layers") if config.get("class_name") == "Sequential" else None
    kinds = [layer.get("class_name") for layer in layers or []]
    position = kinds.index(VECTORIZER) if VECTORIZER in kinds else None
    if position is None or any(kind != "InputLayer" for kind in kinds[:position]):
        raise CheckpointError("The TextVectorization layer must be the first layer of a Sequential model. "
                              "Save the model without it and pass vocab=vectorizer.get_vocabulary().")
    settings = layers[position].get("config", {})
    for name, default in KERAS_TEXT_RULES.items():
        value = settings.get(name, default)
        if value != default:
            shown = repr(value) if isinstance(value, (str, int, list, type(None))) else "a function of your own"
            raise CheckpointError(f"The TextVectorization layer has {name}={shown}; rnnviz reads "
                                  f"text with Keras's defaults only ({name}={default!r}).")
    return position


def is_vectorizer_asset(name: str) -> bool:
    """A file the TextVectorization layer saved (Keras 3 names a layer's folder after its class:
    assets/layers/text_vectorization/…)."""
    return name.startswith("assets/") and "text_vectorization" in name


def vectorizer_vocabulary(config: dict, archive: zipfile.ZipFile, limit: int) -> list[str] | None:
    """The TextVectorization's vocabulary: in its config (given as `vocabulary=`) or in its assets
    (adapted; Keras writes "\\n".join(vocabulary)); None if neither holds it."""
    layer = next(item for item in objects(config) if item["class_name"] == VECTORIZER)
    given = layer.get("config", {}).get("vocabulary")
    if isinstance(given, list):
        return with_specials([str(token) for token in given])
    entries = {info.filename: info for info in archive.infolist()}
    files = sorted((name for name in entries if is_vectorizer_asset(name) and name.endswith("vocabulary.txt")), key=len)
    if not files or entries[files[0]].file_size > limit:
        return None
    return archive.read(files[0]).decode("utf-8").split("\n")


def with_specials(tokens: list[str]) -> list[str]:
    """Keras puts "" and "[UNK]" first when a vocabulary without them is set (set_vocabulary)."""
    return tokens if KERAS_SPECIALS[1] in tokens else [*KERAS_SPECIALS, *tokens]
