"""Lesson presets: each prepared idea of the lesson as one link that sets a whole view, and the one
sentence it demonstrates, computed from the engine rather than asserted.

A preset names the page it opens, the model, the sentence (the first of `texts`; the others are
what the claim compares it with), the token cursor and the page's own settings under their own
names (ui/presets.py maps them to widget keys, so the engine knows nothing of Streamlit). Its
check reads the models through a loader (name → Model: the app's cache, or rnnviz.load_model in
a test) and returns a Claim: whether the sentence holds, and the numbers that fill it in. The
sentence lives in the catalogues as presets.<name>.claim, so it reads the same in every language.

    claim = preset("vanishing").check(rnnviz.load_model)
    claim.holds, claim_text(preset("vanishing"), claim)

The checks themselves are in presets_checks.py: one function per idea, each with its measurement.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import presets_checks as c
from .i18n import t
from .model import Model
from .presets_checks import Claim, Loader
from .tasks import prepared

__all__ = ["NAMES", "PRESETS", "Claim", "Loader", "Preset", "claim_text", "preset"]


@dataclass(frozen=True)
class Preset:
    """One lesson idea as a view: ?preset=<name> opens `page` (a pages.PAGES name) on `model`,
    reading texts[0] with the cursor at token `step`; `settings` are the page's own parameters by
    their own names ("concept", "forget_bias" …). `derive(model)` adds settings read off the model
    itself (the Flags page's unit is the model card's flag unit). `check(loader)` computes the
    claim; `models` are every model it reads (the app caches a claim per these models)."""

    name: str
    page: str
    model: str
    texts: tuple[str, ...]
    check: Callable[[Loader], Claim]
    step: int = 0
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    derive: Callable[[Model], dict] | None = None
    models: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The sentence the page opens with."""
        return self.texts[0]

    @property
    def needs(self) -> tuple[str, ...]:
        """The model the page shows and every model the check reads, without repeats."""
        return tuple(dict.fromkeys((self.model, *self.models)))

    def page_settings(self, load: Loader) -> dict:
        """`settings`, plus what `derive` reads off the preset's model."""
        return {**self.settings, **(self.derive(load(self.model)) if self.derive else {})}


def claim_text(p: Preset, claim: Claim, lang: str | None = None) -> str:
    """The preset's sentence in `lang` (default: the current language), filled with the claim's
    numbers. Plain text: the fields hold model names and words, escape it before markdown."""
    return t(f"presets.{p.name}.claim", lang, **claim.fields)


def _build() -> tuple[Preset, ...]:
    ideas = prepared()["ideas"]
    order, negation = ideas["order"], ideas["negation"]
    return (
        Preset("order", "step_through", c.ORDER_MODEL, (order[0], order[1]), c.order,
               step=c.last_step(order[0]), models=(c.ORDER_MODEL,)),
        Preset("unrolling", "step_through", c.STORY_MODEL, (ideas["unrolling"][0],), c.unrolling,
               step=c.token_step(ideas["unrolling"][0], "is"), models=(c.STORY_MODEL,)),
        Preset("negation", "step_through", c.STORY_MODEL, (negation[1], negation[0]), c.negation,
               step=c.token_step(negation[1], "is"), models=(c.STORY_MODEL,)),
        Preset("vanishing", "gradients", c.RECALL_MODELS[-1], (ideas["vanishing"][0],), c.vanishing,
               settings=MappingProxyType(dict(c.LAB_LESSON)), models=c.RECALL_MODELS),
        Preset("flags", "flags", c.STORY_MODEL, (ideas["flags"][0],), c.flags,
               step=c.token_step(ideas["flags"][0], "."), settings=MappingProxyType({"concept": c.FLAG_CONCEPT}),
               derive=c.flag_settings, models=(c.STORY_MODEL,)),
        Preset("gru", "compare", c.GRU_MODELS[-1], (ideas["gru"][0],), c.gru,
               step=c.token_step(ideas["gru"][0], "."), models=c.GRU_MODELS),
        Preset("bidirectional", "deep", c.BIDIRECTIONAL, (ideas["bidirectional"][0], ideas["bidirectional"][1]),
               c.bidirectional, models=(c.BIDIRECTIONAL,)),
        Preset("multilayer", "deep", c.MULTILAYER, (ideas["multilayer"][0], ideas["multilayer"][1]), c.multilayer,
               step=c.token_step(ideas["multilayer"][0], "is"), models=(c.MULTILAYER,)),
    )


PRESETS: tuple[Preset, ...] = _build()
NAMES: tuple[str, ...] = tuple(p.name for p in PRESETS)


def preset(name: str) -> Preset | None:
    """The preset called `name` (as a link writes it, any case, spaces trimmed), or None."""
    wanted = name.strip().lower() if isinstance(name, str) else None
    return next((p for p in PRESETS if p.name == wanted), None)
