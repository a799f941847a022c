"""House rules: the core never imports streamlit; the public API keeps its names."""
import ast
from pathlib import Path

import rnnviz

PACKAGE = Path(rnnviz.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    core = [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]
    assert len(core) > 10
    offenders = [str(p.relative_to(PACKAGE)) for p in core if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_public_api_names():
    for name in ("list_models", "load_model", "load_lesson_model", "trace", "Trace"):
        assert callable(getattr(rnnviz, name))
    fields = list(rnnviz.Trace.__dataclass_fields__)
    assert fields == ["tokens", "ids", "known", "hidden", "cell", "gates", "probs", "labels",
                      "grad_hidden", "grad_cell", "connectivity", "target", "kind", "head"]
