"""Models on disk: weights (.pt, a plain state_dict) beside a JSON model card (.json).

Files are checked before they are trusted: a size cap, `torch.load(weights_only=True)` so a
pickle can never run code, then every key and shape against the spec. Writes are atomic.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import torch

from .errors import CheckpointError
from .model import Model, ModelSpec
from .paths import ASSETS
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
    """Tensors only: a file (path) or bytes/a file object, under the size cap, weights_only."""
    if isinstance(source, (str, Path)):
        _check_size(source, MAX_WEIGHTS_BYTES)
    elif isinstance(source, bytes):
        if len(source) > MAX_WEIGHTS_BYTES:
            raise CheckpointError(f"The weights file is larger than {MAX_WEIGHTS_BYTES // 2**20} MB.")
        source = io.BytesIO(source)
    try:
        state = torch.load(source, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 — any failure to unpickle means "not a weights file"
        raise CheckpointError(
            "This is not a plain PyTorch weights file (save it with torch.save(model.state_dict(), path)). "
            f"Reading it failed: {_first_sentence(err)}") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise CheckpointError("The weights file must hold a state_dict: names mapped to tensors.")
    return {k.removeprefix("module."): v for k, v in state.items()}


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
    if not names:
        return ""
    return f"{kind} {', '.join(names[:4])}" + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _first_sentence(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text.split(". ")[0].rstrip(".")[:160] + "."
