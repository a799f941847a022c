"""Orders of a layer's hidden units for one sentence, so a model with 128 or 256 units stays readable.

A heatmap with one row per unit is unreadable at 256 rows; the views show the first TOP of an
order instead (and every unit on request). Three orders of the units j = 0 … H−1 of one
(layer, direction) slice, each a permutation of 0 … H−1:

    activity   a_j = (1/T) Σ_t |h_{t,j}|, largest first: the units this sentence moves most
    flags      the units the model card names as flags (female, plural, inside quotes …) first,
               the clearest separation first (|AUROC − 0.5| largest), then the rest by activity
    natural    0, 1, …, H−1: the unit numbers

Ties keep the smaller unit number first, so an order is the same on every machine.

Legend: T tokens, H hidden units; h [T, H] the hidden state of the slice over the sentence.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

ORDERS = ("activity", "flags", "natural")      # the names the views and their payloads use


def activity(values: np.ndarray) -> np.ndarray:
    """a_j = (1/T) Σ_t |v_{t,j}|: how far unit j is from rest, on average over the sentence.  [H]"""
    values = np.asarray(values, dtype=float)                                   # [T, H]
    if values.ndim != 2:
        raise ValueError(f"values must be [tokens, units], not {values.shape}")
    if values.shape[0] == 0:
        return np.zeros(values.shape[1])
    return np.abs(values).mean(axis=0)                                         # [H]


def by_activity(values: np.ndarray) -> list[int]:
    """The units, most active first (a_j descending; ties: smaller j first)."""
    a = activity(values)                                                       # [H]
    return [int(j) for j in np.argsort(-a, kind="stable")]


def natural(units: int) -> list[int]:
    """0, 1, …, H−1."""
    return list(range(int(units)))


FLAG_MIN_AUROC = 0.9     # a card entry is shown as a flag only when it separates at least this well


def shown_flags(flags: Iterable[Mapping] | None) -> list[Mapping]:
    """The card entries the page may call flags: those whose AUROC reaches FLAG_MIN_AUROC (a weak
    best unit, AUROC 0.62 say, is the best of a poor lot, not a flag a student should look for)."""
    return [f for f in (flags or []) if isinstance(f, Mapping)
            and isinstance(f.get("auroc"), (int, float)) and f["auroc"] >= FLAG_MIN_AUROC]


def flag_units(flags: Iterable[Mapping] | None, units: int, layer: int = 0, direction: int = 0) -> list[int]:
    """The units the card's `flags` name for this (layer, direction), clearest first.

    A flag is a card entry with "unit" (and "layer", "direction", default 0; "auroc", default
    none). Clearest: |AUROC − 0.5| largest, a flag without an AUROC last; ties keep the card's
    order. A unit named twice (one unit, two concepts) appears once; units outside 0 … H−1 are
    ignored (a card from another model)."""
    here = [f for f in (flags or []) if isinstance(f, Mapping) and isinstance(f.get("unit"), int)
            and int(f.get("layer", 0)) == layer and int(f.get("direction", 0)) == direction
            and 0 <= f["unit"] < units]

    def separation(flag: Mapping) -> float:
        auroc = flag.get("auroc")
        return abs(float(auroc) - 0.5) if isinstance(auroc, (int, float)) else -1.0

    ordered = sorted(here, key=separation, reverse=True)                       # stable: the card's order on ties
    return list(dict.fromkeys(int(f["unit"]) for f in ordered))


def flags_first(order: Iterable[int], first: Iterable[int]) -> list[int]:
    """`first`, then the rest of `order` in its own order (a permutation of `order`)."""
    first = list(dict.fromkeys(first))
    chosen = set(first)
    return first + [j for j in order if j not in chosen]


def unit_orders(values: np.ndarray, flags: Iterable[Mapping] | None = None, layer: int = 0,
                direction: int = 0) -> dict[str, list[int]]:
    """Every order of the slice whose hidden state over the sentence is `values` [T, H]:
    {"activity": …, "natural": …} and "flags" when the card names a flag in this slice."""
    units = np.asarray(values).shape[1]
    active = by_activity(values)
    orders = {"activity": active, "natural": natural(units)}
    named = flag_units(flags, units, layer, direction)
    if named:
        orders["flags"] = flags_first(active, named)
    return orders


def flag_names(flags: Iterable[Mapping] | None, units: int, layer: int = 0, direction: int = 0) -> dict[int, list[str]]:
    """unit → the concepts the card says it flags (["female"], or ["female", "plural"] for a unit
    that flags two), for the units `flag_units` names, in its order."""
    names: dict[int, list[str]] = {unit: [] for unit in flag_units(flags, units, layer, direction)}
    for f in flags or []:
        if not isinstance(f, Mapping) or f.get("unit") not in names:
            continue
        if int(f.get("layer", 0)) == layer and int(f.get("direction", 0)) == direction:
            concept = str(f.get("concept") or f.get("feature") or "")
            if concept and concept not in names[f["unit"]]:
                names[f["unit"]].append(concept)
    return names
