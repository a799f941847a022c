"""A Keras model's layers, read as rnnviz's embedding → recurrent layers → linear head.

The layouts rnnviz reads (Dropout layers anywhere are skipped: they do nothing at inference):

    [InputLayer] Embedding → SimpleRNN | LSTM | GRU  (one or more, each optionally inside
    Bidirectional(merge_mode="concat"); all but the last return_sequences=True)
    → [GlobalAveragePooling1D] → Dense [→ Activation | Softmax]

Without a pooling layer the last recurrent layer returns its final state: pooling "last" (with
Bidirectional, the forward state after the last token beside the backward state after reading
the whole text, which is torch's h_n); GlobalAveragePooling1D is pooling "mean".

Weights are converted exactly into torch.nn's layout (rnnviz.model.Model's state_dict):
    weight_ih = Wᵀ, weight_hh = Uᵀ    (Keras keeps kernel W [E, G*H], recurrent_kernel U [H, G*H])
with the gate blocks reordered: Keras stacks the LSTM's i, f, c, o (c is torch's candidate g, so
the order is the same) and the GRU's z, r, h (torch: r, z, n). Biases: the GRU with
reset_after=True has two, b [2, 3H] = input and recurrent (torch's bias_ih, bias_hh); the
SimpleRNN's and LSTM's one bias goes to bias_ih with bias_hh = 0; use_bias=False gives zeros.
A Dense(1) with sigmoid (or no activation: a binary logit) becomes two classes, logits [0, z],
so softmax gives [1 − σ(z), σ(z)].

Legend: E embedding, H hidden units, G gate blocks, C classes, k layer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .errors import CheckpointError
from .registry import CELL_KINDS

# Keras's recurrent layers and the registry's cell kinds (by value: the registry owns the names)
KERAS_CELLS = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
# Keras's gate blocks in its kernel's order, written with the registry's letters (Keras's LSTM
# candidate "c" is g, the GRU's "h" is n): the torch order is read off CellKind.letters.
KERAS_BLOCKS = {"SimpleRNN": "h", "LSTM": "ifgo", "GRU": "zrn"}
SKIPPED = {"InputLayer", "Dropout", "SpatialDropout1D", "GaussianDropout", "GaussianNoise"}
LAYOUT = ("[InputLayer] → Embedding → SimpleRNN, LSTM or GRU (one or more, optionally Bidirectional) "
          "→ [GlobalAveragePooling1D] → [Dropout] → Dense")


@dataclass
class Reading:
    """What the layers say: ModelSpec fields, the torch state_dict, and the layer list for the card."""

    fields: dict
    state: dict[str, torch.Tensor]
    layers: list[str] = field(default_factory=list)
    outputs: int = 0


def read_layers(layers: list) -> Reading:
    """The spec fields and weights of a model made of `layers` (Keras layer objects, in order)."""
    names = [describe(layer) for layer in layers if kind_of(layer) != "InputLayer"]
    layers = [layer for layer in layers if kind_of(layer) not in SKIPPED]
    if not layers or kind_of(layers[0]) != "Embedding":
        raise CheckpointError(refusal(layers[0] if layers else None, "the first layer must be an Embedding"))
    embedding, rest = layers[0], layers[1:]
    recurrent = []
    while rest and recurrent_of(rest[0]) is not None:
        recurrent.append(rest.pop(0))
    if not recurrent:
        raise CheckpointError(refusal(rest[0] if rest else None, "a SimpleRNN, LSTM or GRU must follow the Embedding"))
    fields = recurrent_fields(recurrent)
    fields["pooling"] = pooling_of(recurrent[-1], rest)
    if fields["pooling"] == "mean":
        rest.pop(0)                                  # the GlobalAveragePooling1D layer: the head is next
    state = {"embedding.weight": as_tensor(numpy(embedding.embeddings))}
    for k, layer in enumerate(recurrent):
        for suffix, direction in directions_of(layer):
            weights = recurrent_weights(direction, fields["hidden_size"])
            state.update({f"rnn.{name}_l{k}{suffix}": w for name, w in weights.items()})
    w_fc, b_fc = head_weights(rest)
    state.update({"fc.weight": w_fc, "fc.bias": b_fc})
    fields.update(vocab_size=int(embedding.input_dim), emb_size=int(embedding.output_dim))
    return Reading(fields, state, names, int(w_fc.shape[0]))


def kind_of(layer) -> str:
    return type(layer).__name__


def describe(layer) -> str:
    """ "LSTM(8, return_sequences=True)", "Bidirectional(GRU(4))", "Embedding(500, 16)", "Dense(4, softmax)"."""
    kind = kind_of(layer)
    if kind == "Bidirectional":
        return f"Bidirectional({describe(layer.forward_layer)})"
    if kind in KERAS_CELLS:
        return f"{kind}({layer.units}" + (", return_sequences=True)" if layer.return_sequences else ")")
    if kind == "Embedding":
        return f"Embedding({layer.input_dim}, {layer.output_dim})"
    if kind == "Dense":
        return f"Dense({layer.units}, {activation_of(layer)})"
    return kind


def refusal(layer, why: str) -> str:
    where = f"rnnviz cannot read the layer {layer.name!r} ({kind_of(layer)}): " if layer is not None else ""
    return f"{where}{why}. rnnviz reads Keras models laid out as {LAYOUT}."


def recurrent_of(layer):
    """The recurrent layer itself (inside a Bidirectional), or None for any other layer."""
    inner = layer.forward_layer if kind_of(layer) == "Bidirectional" else layer
    return inner if kind_of(inner) in KERAS_CELLS else None


def directions_of(layer) -> list[tuple[str, object]]:
    """(torch's key suffix, the Keras recurrent layer) for each direction."""
    if kind_of(layer) == "Bidirectional":
        return [("", layer.forward_layer), ("_reverse", layer.backward_layer)]
    return [("", layer)]


def activation_of(layer, name: str = "activation") -> str:
    value = layer.get_config().get(name)
    return value if isinstance(value, str) else "a custom function"


def recurrent_fields(recurrent: list) -> dict:
    """cell, hidden_size, layers, bidirectional, nonlinearity: the same for every recurrent layer."""
    first = recurrent_of(recurrent[0])
    keras_kind, units = kind_of(first), first.units
    bidirectional = kind_of(recurrent[0]) == "Bidirectional"
    nonlinearity = activation_of(first)
    for k, layer in enumerate(recurrent):
        inner = recurrent_of(layer)
        if kind_of(inner) != keras_kind or inner.units != units or (kind_of(layer) == "Bidirectional") != bidirectional:
            first_layer = f"{'Bidirectional ' if bidirectional else ''}{keras_kind}, {units} units"
            raise CheckpointError(refusal(layer, "every recurrent layer must be of the same kind and size as the "
                                                 f"first ({first_layer})"))
        check_recurrent(layer, nonlinearity)
        if k < len(recurrent) - 1 and not inner.return_sequences:
            raise CheckpointError(refusal(layer, "a recurrent layer under another must return_sequences=True"))
    return {"cell": KERAS_CELLS[keras_kind], "hidden_size": int(units), "layers": len(recurrent),
            "bidirectional": bidirectional, "nonlinearity": nonlinearity}


def check_recurrent(layer, nonlinearity: str) -> None:
    """Refuse what torch.nn's cells cannot compute: other activations, the GRU's reset_after=False,
    a layer that reads backwards on its own, a Bidirectional that does not concatenate."""
    if kind_of(layer) == "Bidirectional" and layer.merge_mode != "concat":
        raise CheckpointError(refusal(layer, f"merge_mode={layer.merge_mode!r}: rnnviz shows the two directions "
                                             "side by side, merge_mode=\"concat\""))
    for _, inner in directions_of(layer):
        kind = kind_of(inner)
        if (kind, inner.units) != (kind_of(recurrent_of(layer)), recurrent_of(layer).units):
            raise CheckpointError(refusal(layer, "its two directions must be the same kind of layer and size"))
        allowed = CELL_KINDS[KERAS_CELLS[kind]].nonlinearities
        if activation_of(inner) not in allowed or activation_of(inner) != nonlinearity:
            raise CheckpointError(refusal(inner, f"its activation is {activation_of(inner)}; a {kind} here uses "
                                                 f"{' or '.join(allowed)}, the same in every layer"))
        if kind != "SimpleRNN" and activation_of(inner, "recurrent_activation") != "sigmoid":
            raise CheckpointError(refusal(inner, "its gates must use recurrent_activation=\"sigmoid\""))
        if kind == "GRU" and not inner.reset_after:
            raise CheckpointError(refusal(inner, "a GRU with reset_after=False applies the reset gate before its "
                                                 "recurrent matrix, which torch's GRU (and rnnviz) do not"))
        if inner.go_backwards and kind_of(layer) != "Bidirectional":
            raise CheckpointError(refusal(inner, "go_backwards=True: wrap the layer in Bidirectional instead"))


def pooling_of(last, rest: list) -> str:
    """"last" when the top recurrent layer returns its final state, "mean" for GlobalAveragePooling1D."""
    follower = rest[0] if rest else None
    kind = kind_of(follower) if follower is not None else ""
    if kind == "GlobalMaxPooling1D":
        raise CheckpointError(refusal(follower, "rnnviz has no max pooling (only the last state or the mean)"))
    if not recurrent_of(last).return_sequences:
        return "last"
    if kind == "GlobalAveragePooling1D" and follower.data_format == "channels_last" and not follower.keepdims:
        return "mean"
    raise CheckpointError(refusal(follower or last, "the top recurrent layer returns every step, so "
                                  "GlobalAveragePooling1D must follow it (or set return_sequences=False)"))


def recurrent_weights(layer, hidden: int) -> dict[str, torch.Tensor]:
    """One direction's Keras weights in torch's layout (see the module's docstring).  [G*H, …]"""
    cell = layer.cell
    keras_blocks = KERAS_BLOCKS[kind_of(layer)]
    order = [keras_blocks.index(letter) for letter in CELL_KINDS[KERAS_CELLS[kind_of(layer)]].letters]

    def torch_order(a: np.ndarray) -> np.ndarray:        # [..., G*H] in Keras's order -> torch's
        return np.concatenate([a[..., g * hidden:(g + 1) * hidden] for g in order], axis=-1)

    zeros = np.zeros(len(order) * hidden)
    bias = numpy(cell.bias) if cell.bias is not None else np.stack([zeros, zeros])
    b_ih, b_hh = (bias[0], bias[1]) if bias.ndim == 2 else (bias, zeros)   # GRU reset_after: [2, 3H]
    return {"weight_ih": as_tensor(torch_order(numpy(cell.kernel)).T),          # [G*H, E or D*H]
            "weight_hh": as_tensor(torch_order(numpy(cell.recurrent_kernel)).T),  # [G*H, H]
            "bias_ih": as_tensor(torch_order(b_ih)), "bias_hh": as_tensor(torch_order(b_hh))}


def head_weights(rest: list) -> tuple[torch.Tensor, torch.Tensor]:
    """fc.weight [C, D*H] and fc.bias [C] from the final Dense (and an Activation after it)."""
    if not rest or kind_of(rest[0]) != "Dense":
        raise CheckpointError(refusal(rest[0] if rest else None, "a Dense layer must end the model"
                                      if rest else "the model must end with a Dense layer"))
    dense, after = rest[0], rest[1:]
    activation = activation_of(dense)
    if after and activation == "linear" and kind_of(after[0]) in ("Activation", "Softmax"):
        activation = "softmax" if kind_of(after[0]) == "Softmax" else activation_of(after[0])
        after = after[1:]
    if after:
        raise CheckpointError(refusal(after[0], "the Dense layer must be the last (rnnviz's head is one linear layer)"))
    w = numpy(dense.kernel).T                                          # [C, D*H]
    b = numpy(dense.bias) if dense.bias is not None else np.zeros(len(w))
    if len(w) == 1 and activation in ("sigmoid", "linear"):             # p(1) = σ(z): logits [0, z]
        w, b = np.concatenate([np.zeros_like(w), w]), np.concatenate([[0.0], b])
    elif len(w) == 1 or activation not in ("softmax", "linear"):
        raise CheckpointError(refusal(dense, f"Dense({len(w)}, {activation}) is not a choice among classes: "
                                             "use softmax (or no activation) for 2 or more classes, "
                                             "sigmoid for one yes/no output"))
    return as_tensor(w), as_tensor(b)


def numpy(variable) -> np.ndarray:
    """A Keras variable's values as float64 (whatever the backend)."""
    return np.asarray(variable.numpy(), dtype=np.float64)


def as_tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
