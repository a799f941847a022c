"""Models on disk: weights (.pt, a plain state_dict) beside a JSON model card (.json).

Files are checked before they are trusted: a size cap, `torch.load(weights_only=True)` so a
pickle can never run code, then every key and shape against the spec. Writes are atomic.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path

import torch

from .errors import CheckpointError
from .model import Model, ModelSpec
from .paths import ASSETS
from .pickled import kind_of_pickle, pickled_globals
from .text import Vocab

# The bundled models; RNNVIZ_MODELS_DIR points elsewhere (tests use it for broken model folders).
MODELS_DIR = Path(os.environ.get("RNNVIZ_MODELS_DIR") or ASSETS / "models")
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
MAX_CARD_BYTES = 8 * 1024 * 1024
LESSON_CLASSES = ("World", "Sports", "Business", "Sci/Tech")   # the lesson's AG News classes


def list_models(folder: Path = MODELS_DIR) -> list[str]:
    """Names of the bundled models (a .pt with its .json card)."""
    return sorted(p.stem for p in Path(folder).glob("*.json") if p.with_suffix(".pt").exists())


def load_model(name: str, folder: Path = MODELS_DIR) -> Model:
    """A bundled model by name, e.g. "story-lstm"."""
    if name not in list_models(folder):
        known = ", ".join(list_models(folder)) or "none are installed"
        raise CheckpointError(f"There is no model called {name!r}. Available: {known}.")
    return load(Path(folder) / name)


def load(stem: str | Path) -> Model:
    """The model saved as stem.pt + stem.json."""
    stem = Path(stem)
    card = read_card(stem.with_suffix(".json"))
    spec = ModelSpec.from_dict(card.get("spec"))
    vocab = Vocab(_string_list(card.get("vocab"), "vocab"))
    model = Model(spec, vocab, card)
    load_weights(model, read_state_dict(stem.with_suffix(".pt")))
    return model


def read_card(path: Path) -> dict:
    _check_size(path, MAX_CARD_BYTES)
    try:
        card = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"The model card {Path(path).name} is not valid JSON: {err}") from None
    if not isinstance(card, dict):
        raise CheckpointError(f"The model card {Path(path).name} must hold a JSON object.")
    return card


def read_state_dict(source) -> dict[str, torch.Tensor]:
    """Tensors only, on the CPU: a file (path), bytes, a file object or a dict already in memory,
    holding a state_dict or a checkpoint dict with one inside (read_weights says which)."""
    return read_weights(source)[0]


def read_weights(source) -> tuple[dict[str, torch.Tensor], dict]:
    """The state_dict in `source` and what reading it found: {"entry": the checkpoint key it came
    from or None, "ignored": the checkpoint's other keys, "prefix": a key prefix removed or None}.

    Accepted: torch.save(net.state_dict(), F) (also from a GPU: tensors are mapped to the CPU), a
    checkpoint dict {"model_state_dict" or "state_dict": …, "optimizer_state_dict": …, "epoch": …}
    (the rest is ignored), the same dicts in memory, or the module itself. Keys saved through
    DataParallel ("module.") or torch.compile ("_orig_mod.") lose that prefix. A file is read
    under the size cap with weights_only=True, so nothing in it ever runs."""
    if isinstance(source, torch.nn.Module):
        source = source.state_dict()
    loaded = source if isinstance(source, Mapping) else _torch_load(_weights_bytes(source))
    state, entry, ignored = _state_in(loaded)
    state, prefix = _without_prefix(state)
    return ({k: v.detach().cpu() for k, v in state.items()},
            {"entry": entry, "ignored": ignored, "prefix": prefix})


CHECKPOINT_ENTRIES = ("model_state_dict", "state_dict")     # where a training checkpoint keeps the weights
WRAPPER_PREFIXES = ("module.", "_orig_mod.")                 # DataParallel, torch.compile
SAVE_STATE_DICT = 'torch.save(net.state_dict(), "model.pt")'


def _weights_bytes(source) -> bytes:
    if isinstance(source, (str, Path)):
        _check_size(source, MAX_WEIGHTS_BYTES)
        return Path(source).read_bytes()
    data = source.read(MAX_WEIGHTS_BYTES + 1) if hasattr(source, "read") else source
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CheckpointError("The weights must be a file, its bytes, or a state_dict (names mapped to tensors), "
                              f"not a {type(source).__name__}.")
    if len(data) > MAX_WEIGHTS_BYTES:
        raise CheckpointError(f"The weights file is larger than {MAX_WEIGHTS_BYTES // 2**20} MB.")
    return bytes(data)


def _torch_load(data: bytes):
    try:
        with warnings.catch_warnings():     # torch's notices (a pickle protocol it did not write): not the student's
            warnings.simplefilter("ignore")
            return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 — any failure to unpickle means "not a weights file"
        names = pickled_globals(data)
        kind = kind_of_pickle(names)
        if kind == "module":
            raise CheckpointError("This is a whole pickled model (torch.save(net, …)), which could run code "
                                  f"when read: save the weights alone instead, {SAVE_STATE_DICT}.") from None
        if kind == "torchtext":
            raise CheckpointError("This is a pickled torchtext vocabulary, not weights: write its tokens "
                                  "as a text file and open that as the vocabulary.") from None
        foreign = sorted(n for n in names if not n.startswith(("torch.", "collections.OrderedDict")))
        if foreign:
            raise CheckpointError(f"This is not a plain PyTorch weights file: it holds pickled Python objects "
                                  f"({_listed(foreign)}), which rnnviz never unpickles (that could run code). "
                                  f"Save the weights alone, {SAVE_STATE_DICT}.") from None
        raise CheckpointError(f"This is not a plain PyTorch weights file (save one with {SAVE_STATE_DICT}). "
                              f"Reading it failed: {_first_sentence(err)}") from None


def _is_tensor_dict(value) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in value.items())


def _state_in(loaded) -> tuple[Mapping, str | None, list[str]]:
    """(state_dict, the checkpoint key holding it or None, the checkpoint's other keys)."""
    if _is_tensor_dict(loaded):
        return loaded, None, []
    if not isinstance(loaded, Mapping):
        raise CheckpointError("The weights file must hold a state_dict: names mapped to tensors "
                              f"({SAVE_STATE_DICT}), not a {type(loaded).__name__}.")
    keys = [str(k) for k in loaded]
    found = [k for k in CHECKPOINT_ENTRIES if _is_tensor_dict(loaded.get(k))] or [
        k for k in loaded if isinstance(k, str) and _is_tensor_dict(loaded[k])]
    if len(found) != 1:
        which = f"several state_dicts ({', '.join(found)})" if found else "no state_dict"
        raise CheckpointError(f"The weights file must hold a state_dict: names mapped to tensors. This one "
                              f"is a dict of {_listed(keys)} with {which} inside: save "
                              f"{SAVE_STATE_DICT}, or a checkpoint with its weights under 'model_state_dict'.")
    return loaded[found[0]], found[0], [k for k in keys if k != found[0]]


def _without_prefix(state: Mapping) -> tuple[dict, str | None]:
    """The keys without a wrapper's prefix (every key has it), and the prefix removed."""
    for prefix in WRAPPER_PREFIXES:
        if all(k.startswith(prefix) for k in state):
            return {k.removeprefix(prefix): v for k, v in state.items()}, prefix
    return dict(state), None


def load_weights(model: Model, state: dict[str, torch.Tensor]) -> None:
    """Copy `state` into `model` after checking every name, shape and value."""
    expected = {k: v.shape for k, v in model.state_dict().items()}
    missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    if missing or extra:
        found = filter(None, [_names("missing", missing), _names("unexpected", extra)])
        raise CheckpointError("The weights do not fit this model: " + "; ".join(found) + ".")
    for key, shape in expected.items():
        if tuple(state[key].shape) != tuple(shape):
            raise CheckpointError(f"{key} has shape {list(state[key].shape)} but the model needs {list(shape)}.")
        if not state[key].is_floating_point() or not torch.isfinite(state[key]).all():
            raise CheckpointError(f"{key} must hold finite floating-point numbers.")
    model.load_state_dict({k: v.float() for k, v in state.items()})


def save(model: Model, stem: str | Path, card: dict | None = None, half: bool = False) -> None:
    """Write stem.pt and stem.json atomically (temp file + rename), weights first; `half` stores the
    weights as float16 (exact only for a model already rounded to it: recipes.to_half_precision)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(stem.with_suffix(".pt"), lambda f: f.write(weights_bytes(model, half)))
    _atomic_write(stem.with_suffix(".json"), lambda f: f.write(card_json(full_card(model, card)).encode("utf-8")))


def full_card(model: Model, card: dict | None = None) -> dict:
    """The card a saved model carries: its own card, then `card`, then its spec and vocabulary."""
    return {**model.card, **(card or {}), "spec": model.spec.to_dict(), "vocab": model.vocab.tokens}


def card_json(card: dict) -> str:
    """A model card as the .json file holds it (and a download gives it): one-space indents, UTF-8 as is."""
    return json.dumps(card, indent=1, ensure_ascii=False)


def weights_bytes(model: Model, half: bool = False) -> bytes:
    """The .pt file's contents: torch.save of the plain state_dict (what `read_state_dict` reads back).
    `half`: float16 tensors; a tensor shared by two names (a tied head) is stored once."""
    state = model.state_dict()
    if half:
        converted: dict[int, torch.Tensor] = {}
        state = {k: converted.setdefault(v.data_ptr(), v.half()) for k, v in state.items()}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_size(path, limit: int) -> None:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"Cannot find the file {path.name}.")
    if path.stat().st_size > limit:
        raise CheckpointError(f"{path.name} is larger than {limit // 2**20} MB, the limit for a model file.")


def _string_list(value, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckpointError(f"The model card's {what} must be a list of strings.")
    return value


def _names(kind: str, names: list[str]) -> str:
    return f"{kind} {_listed(names)}" if names else ""


def _listed(names: list[str]) -> str:
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _first_sentence(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text.split(". ")[0].rstrip(".")[:160] + "."
