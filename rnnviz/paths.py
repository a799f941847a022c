"""Where the files that ship inside the package live (a source checkout or an installed wheel alike)."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ASSETS = PACKAGE / "assets"        # models, i18n catalogues, the English corpus, the prepared sentences
