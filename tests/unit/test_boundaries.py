"""House rules, read off the source: data flows one way, one concept lives in one place.

    text ─▶ tokens ─▶ model (cells) ─▶ Trace ─▶ figures ─▶ pages
The engine never imports streamlit; figures never see a model; pages and ui glue do no maths;
the kind of a cell or head is read from the registry or the Trace, never guessed; session-state
keys live in one module; importing rnnviz changes no global setting.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import rnnviz

PACKAGE = Path(rnnviz.__file__).parent
ROOT = PACKAGE.parent
KIND_LITERALS = {"rnn", "gru", "lstm", "lm", "classifier"}


def python_files(*places: str) -> list[Path]:
    files = []
    for place in places:
        path = ROOT / place
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, dotted and absolute ("rnnviz.figures.theme", "numpy")."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def offenders(files: list[Path], banned) -> list[str]:
    """'file: module' for each import of a module that `banned(module)` rejects."""
    return [f"{p.relative_to(ROOT)}: {m}" for p in files for m in sorted(imported_modules(p)) if banned(m)]


def under(module: str, *roots: str) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def test_core_never_imports_streamlit():
    core = [p for p in python_files("rnnviz") if "ui" not in p.relative_to(PACKAGE).parts]
    assert len(core) > 10
    assert offenders(core, lambda m: under(m, "streamlit")) == []


def test_figures_take_traces_and_records_never_a_model():
    figures = python_files("rnnviz/figures")
    engine = ("torch", "rnnviz.model", "rnnviz.cells", "rnnviz.network", "rnnviz.checkpoints", "rnnviz.train")
    assert offenders(figures, lambda m: under(m, *engine)) == []
    takes_model = [f"{p.name}: {node.name}" for p in figures for node in ast.walk(tree_of(p))
                   if isinstance(node, ast.FunctionDef)
                   and "model" in [a.arg for a in node.args.args + node.args.kwonlyargs]]
    assert takes_model == []


MATHS_MODULES = ("numpy", "torch", "math", "rnnviz.cells", "rnnviz.network", "rnnviz.head")
MATHS_CALLS = {"argmax", "argmin", "argsort", "norm", "eigvals", "softmax", "cumsum", "exp", "log"}


def test_pages_and_ui_do_no_maths():
    glue = python_files("views", "rnnviz/ui", "app.py")
    assert offenders(glue, lambda m: under(m, *MATHS_MODULES)) == []
    # a page may use rnnviz.tasks' own exports, never a grammar's internals
    assert offenders(glue, lambda m: m.startswith("rnnviz.tasks.") and m.count(".") > 2
                     or under(m, *(f"rnnviz.tasks.{g}" for g in ("base", "story", "sentiment", "recall")))) == []
    calls = [f"{p.relative_to(ROOT)}:{node.lineno} {node.func.attr}" for p in glue for node in ast.walk(tree_of(p))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MATHS_CALLS]
    assert calls == []


def kind_guesses(path: Path) -> list[str]:
    """Comparisons with a kind literal ("lstm", "lm", …) and tables keyed by one."""
    found = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                elements = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                found += [f"{path.relative_to(ROOT)}:{node.lineno} compares with {e.value!r}" for e in elements
                          if isinstance(e, ast.Constant) and e.value in KIND_LITERALS]
        elif isinstance(node, ast.Dict):
            found += [f"{path.relative_to(ROOT)}:{node.lineno} table keyed by {k.value!r}" for k in node.keys
                      if isinstance(k, ast.Constant) and k.value in KIND_LITERALS]
    return found


def test_the_kind_of_a_cell_or_head_is_read_never_guessed():
    everything = [p for p in python_files("rnnviz", "views", "app.py", "tools") if p.name != "registry.py"]
    guesses = [g for p in everything for g in kind_guesses(p)]
    assert guesses == []
    source = "\n".join(p.read_text(encoding="utf-8") for p in everything)
    for gone in ("def cell_kind(trace", "def is_language_model", "MAX_CLASSES"):
        assert gone not in source


def session_state_literals(path: Path) -> list[str]:
    """String literals used as session-state keys or widget keys."""
    found = []

    def literal(node) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    def is_state(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "session_state"

    for node in ast.walk(tree_of(path)):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Subscript) and is_state(node.value) and literal(node.slice):
            found.append(f"{where} session_state[{node.slice.value!r}]")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_state(node.func.value)
              and node.args and literal(node.args[0])):
            found.append(f"{where} session_state.{node.func.attr}({node.args[0].value!r})")
        elif isinstance(node, ast.Compare) and any(is_state(c) for c in node.comparators) and literal(node.left):
            found.append(f"{where} {node.left.value!r} in session_state")
        elif isinstance(node, ast.keyword) and node.arg == "key" and literal(node.value):
            found.append(f"{where} key={node.value.value!r}")
    return found


def test_session_state_keys_live_in_one_module():
    glue = [p for p in python_files("views", "rnnviz/ui", "app.py") if p.name != "keys.py"]
    assert [hit for p in glue for hit in session_state_literals(p)] == []


def test_importing_rnnviz_and_its_figures_changes_nothing_global_and_loads_no_streamlit():
    probe = ("import sys, torch, threadpoolctl\n"
             "before = torch.get_num_threads(), threadpoolctl.threadpool_info()\n"
             "import rnnviz, rnnviz.figures, rnnviz.train, rnnviz.analysis.flags\n"
             "print(before == (torch.get_num_threads(), threadpoolctl.threadpool_info()))\n"
             "print(any(m.split('.')[0] in ('streamlit', 'keras', 'IPython') for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr       # Keras and IPython load only when used
    import torch

    from rnnviz.runtime import use_one_thread
    use_one_thread()
    assert torch.get_num_threads() == 1


def test_public_api_names():
    for name in ("list_models", "load_model", "load_lesson_model", "trace", "Trace", "show", "trace_module",
                 "export_html", "load_keras_model", "read_vocab"):
        assert callable(getattr(rnnviz, name))
    fields = list(rnnviz.Trace.__dataclass_fields__)
    assert fields == ["tokens", "ids", "known", "hidden", "cell", "gates", "probs", "labels",
                      "grad_hidden", "grad_cell", "connectivity", "target", "kind", "head", "tokenizer"]


def test_raw_html_is_only_ever_a_constant_of_our_own():
    """unsafe_allow_html=True renders HTML as it is: it may only get a module-level string literal
    (teacher mode's stylesheet), never text built at run time, so no user text can reach it."""
    uses = []
    for path in python_files("views", "rnnviz/ui", "app.py"):
        tree = tree_of(path)
        literals = {t.id for node in tree.body if isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                    for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(k.arg == "unsafe_allow_html" for k in node.keywords):
                arg = node.args[0] if node.args else None
                uses.append((f"{path.relative_to(ROOT)}:{node.lineno}",
                             isinstance(arg, ast.Name) and arg.id in literals))
    assert uses and all(constant for _, constant in uses), uses
