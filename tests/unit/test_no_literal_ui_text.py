"""Every word a page shows comes from the catalogues: no English literal reaches a Streamlit call.

Reads the source of the pages (views/) and the Streamlit glue (rnnviz/ui/) and fails on a string
literal with a word in it passed as the text, label, help or placeholder of a Streamlit element.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("views/*.py"), *ROOT.glob("rnnviz/ui/**/*.py"), ROOT / "app.py"])
SHOWS_TEXT = {"title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning",
              "error", "success", "toast", "button", "toggle", "checkbox", "selectbox", "radio", "slider",
              "select_slider", "text_area", "text_input", "number_input", "expander", "metric",
              "download_button", "file_uploader", "pills", "segmented_control", "page_link", "tabs",
              "multiselect", "popover", "status", "spinner", "progress"}
TEXT_KEYWORDS = {"label", "help", "placeholder", "body", "caption", "title"}
WORD = re.compile(r"[A-Za-z]{3,}")
NAMES = {"HTML", "JSON", "CSV", "PNG", "LSTM", "GRU", "RNN"}      # the same in every language


def literal_words(node) -> list[str]:
    """The words of a string literal or of an f-string's literal parts."""
    parts = [node] if isinstance(node, ast.Constant) else node.values if isinstance(node, ast.JoinedStr) else []
    text = " ".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
    return [w for w in WORD.findall(text) if w not in NAMES]


def offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SHOWS_TEXT):
            continue
        texts = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for text in texts:
            words = literal_words(text)
            if words:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.attr}(… {' '.join(words)} …)")
    return found


def test_pages_show_no_literal_words():
    found = [line for path in SOURCES for line in offences(path)]
    assert not found, "text that does not come from the catalogues:\n" + "\n".join(found)


def test_the_check_finds_a_literal():
    sample = ROOT / "views" / "step_through.py"
    assert SOURCES and sample in SOURCES
    tree = ast.parse('st.caption("Hello there")\nst.button(t("x"), help=f"Press {k} now")')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in SHOWS_TEXT]
    assert [literal_words(c.args[0]) for c in calls] == [["Hello", "there"], []]
    assert literal_words(calls[1].keywords[0].value) == ["Press", "now"]
