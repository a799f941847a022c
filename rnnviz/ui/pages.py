"""The one list of pages: app.py's navigation, the tour's links, share links, teacher mode's row
of links and the tests that visit every page all read it.

Adding a page: its file in views/, a line here, and its catalogue keys (its title, and what the
page itself says).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import streamlit as st

from rnnviz.i18n import t


@dataclass(frozen=True)
class Page:
    """One page: its file, its title (a catalogue key), its icon, and the section it sits in."""

    path: str           # "views/step_through.py", relative to app.py
    title_key: str      # catalogue key of its title: "nav.step_through"
    icon: str           # ":material/footprint:"
    section_key: str    # catalogue key of its group in the navigation: "nav.learn"

    @property
    def name(self) -> str:
        """The page's url path ("step_through"): /step_through in the browser."""
        return PurePosixPath(self.path).stem


START, LEARN, LABS, MAKE = "nav.start", "nav.learn", "nav.labs", "nav.make"

PAGES: tuple[Page, ...] = (         # in the navigation's order; the first is the landing page
    Page("views/tour.py", "nav.tour", ":material/tour:", START),
    Page("views/step_through.py", "nav.step_through", ":material/footprint:", LEARN),
    Page("views/anatomy.py", "nav.anatomy", ":material/biotech:", LEARN),
    Page("views/gradients.py", "nav.gradients", ":material/trending_down:", LABS),
    Page("views/compare.py", "nav.compare", ":material/compare:", LABS),
    Page("views/flags.py", "nav.flags", ":material/flag:", LABS),
    Page("views/deep.py", "nav.deep", ":material/layers:", LABS),
    Page("views/train.py", "nav.train", ":material/model_training:", MAKE),
    Page("views/your_model.py", "nav.your_model", ":material/upload_file:", MAKE),
)
NAMES = frozenset(p.name for p in PAGES)


def page(name: str) -> Page:
    """The page whose url path is `name` ("flags")."""
    return next(p for p in PAGES if p.name == name)


def navigation() -> dict[str, list[st.Page]]:
    """st.navigation's sections, titled in the current language: {section title: [st.Page]}."""
    sections: dict[str, list[st.Page]] = {}
    for p in PAGES:
        sections.setdefault(t(p.section_key), []).append(
            st.Page(p.path, title=t(p.title_key), icon=p.icon, default=p is PAGES[0]))
    return sections
