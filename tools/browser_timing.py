"""How fast the app feels in a real browser (Debian chromium via Playwright), on a warm server.

    python tools/browser_timing.py                 # starts `streamlit run app.py` on a free port
    python tools/browser_timing.py --url http://127.0.0.1:8501 --repeats 50 --json
    python tools/browser_timing.py --pages compare deep --repeats 10
    python tools/browser_timing.py --pages step_through --model english-char-lstm --text "…200 characters…"

For every cursor page (Step through, Cell anatomy, RNN vs LSTM vs GRU, Deeper networks: each
steps in the browser, rnnviz/ui/live), over --repeats runs (default 20):
  step      press → (or ←, or click Next with --click) until the view shows the new step
            (its data-step, read on the next animation frame; goal p50 ≤ 50 ms, p95 ≤ 150 ms)
  sync      the same press until the server has the step (the URL says step=…): no goal, the
            view does not wait for it
  sentence  type a new sentence, Ctrl+Enter, until the view is redrawn with the new tokens and
            nothing on the page is stale (goal p50 ≤ 400 ms)
and once, on Step through:
  session   a new browser context opens the page until the view is drawn (goal p50 ≤ 2.5 s)

The training scrubber (Train a model) is a cursor page too, but it exists only after a training
run in the same session (minutes on this machine): it is not timed here; its panels are the same
drawers, so its steps cost what the others' do.

Uses /usr/bin/chromium (or --chromium); never `playwright install`. A script, not a test: it
prints numbers, and exits 1 only if it could not measure. --model opens the pages with that model
(a big one: english-char-lstm's 256 units) and --text steps through that sentence (tokens as the
model reads them: characters for a character model). Set RNNVIZ_MODELS_DIR to time the app with
other models (the server started here inherits the environment).
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SENTENCE = "alice says the movie was good . she is happy ."
SYNC_TIMEOUT_MS = 5_000     # a step the URL has not shown by then is counted as lost
PAGES = ("step_through", "anatomy", "compare", "deep")      # the url paths of the cursor pages
GOALS = {"step": {"p50": 50, "p95": 150}, "sync": {}, "sentence": {"p50": 400}, "session": {"p50": 2500}}

# the cursor view's root (.live) in its component's shadow root
JS_VIEW = """() => {
  for (const host of document.querySelectorAll('*')) {
    const view = host.shadowRoot && host.shadowRoot.querySelector('.live');
    if (view) return view;
  }
  return null;
}"""
JS_STEP = f"""() => {{
  const v = ({JS_VIEW})();
  return v && v.dataset.step !== undefined ? Number(v.dataset.step) : null;
}}"""
# the view shows `tokens` with a cursor, and no element of the page is stale
JS_VIEW_SHOWS = f"""(tokens) => {{
  const view = ({JS_VIEW})();
  return !!view && view.dataset.sentence === tokens.join(' ') && view.dataset.step !== undefined
    && !document.querySelector('[data-stale="true"]');
}}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def start_server(timeout: float = 60) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkstemp(prefix="rnnviz-timing-", suffix=".log")[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"streamlit exited ({process.returncode}); log: {log_path}")
        if healthy(url):
            return process, url, log_path
        time.sleep(0.25)
    process.terminate()
    sys.exit(f"{url}/_stcore/health did not answer within {timeout:.0f} s; log: {log_path}")


def sentences():
    """Endless distinct sentences, so no timing is a cache hit."""
    names = ["alice", "tom", "mary", "john", "the boys", "the old man"]
    things = ["movie", "film", "show", "book", "song"]
    words = ["good", "great", "fun", "bad", "awful", "not good", "really fun", "never exciting"]
    for name, thing, word in itertools.product(names, things, words):
        verb = "say" if name == "the boys" else "says"
        yield f"{name} {verb} the {thing} was {word} ."


MODEL = {"name": None}       # --model: the pages open with it (None: the app's default model)


def tokens_of(text: str) -> list[str]:
    """The tokens as the model reads them (its own tokenizer: words, or characters)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if MODEL["name"]:
        import rnnviz
        return rnnviz.load_model(MODEL["name"]).tokenize(text)[:rnnviz.text.MAX_TOKENS]
    from rnnviz.text import tokenize
    return tokenize(text)


def page_link(url: str, where: str, text: str) -> str:
    model = f"&model={quote(MODEL['name'])}" if MODEL["name"] else ""
    return f"{url}/{where}?text={quote(text)}{model}"


def open_view(context, url: str, where: str, text: str = SENTENCE):
    page = context.new_page()
    page.goto(page_link(url, where, text))
    page.wait_for_function(JS_VIEW_SHOWS, arg=tokens_of(text), timeout=120_000)
    page.locator("h1").first.click()                      # focus the page, not an input
    return page


def time_steps(browser, url: str, where: str, repeats: int, click: bool,
               text: str = SENTENCE) -> tuple[list[float], list[float]]:
    """(press → the view shows the step, press → the server has it: the URL says step=…). The
    cursor walks to the last token and back (→ at the last one would not move)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_view(context, url, where, text)
    last = len(tokens_of(text)) - 1
    buttons = page.locator(".live button.step")
    moved, synced, forward = [], [], True
    for _ in range(repeats):
        before = page.evaluate(JS_STEP)
        forward = before < last if forward else before == 0
        want = before + (1 if forward else -1)
        start = time.perf_counter()
        if click:
            buttons.nth(2 if forward else 0).click()
        else:
            page.keyboard.press("ArrowRight" if forward else "ArrowLeft")
        page.wait_for_function(f"(want) => ({JS_STEP})() === want", arg=want, polling="raf", timeout=30_000)
        moved.append((time.perf_counter() - start) * 1000)
        try:
            page.wait_for_function("(want) => (new URLSearchParams(location.search).get('step') || '0') === want",
                                   arg=str(want), polling="raf", timeout=SYNC_TIMEOUT_MS)
            synced.append((time.perf_counter() - start) * 1000)
        except PlaywrightTimeout:                         # counted as missing: n says how many arrived
            pass
        page.wait_for_timeout(50)
    context.close()
    return moved, synced


def time_sentences(browser, url: str, where: str, repeats: int, texts) -> list[float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_view(context, url, where)
    box = page.locator(".st-key-text textarea")
    results = []
    for text in itertools.islice(texts, repeats):
        box.fill(text)                                    # typing is the student's time, not ours
        start = time.perf_counter()
        box.press("Control+Enter")
        page.wait_for_function(JS_VIEW_SHOWS, arg=tokens_of(text), polling="raf", timeout=60_000)
        results.append((time.perf_counter() - start) * 1000)
    context.close()
    return results


def time_sessions(browser, url: str, repeats: int) -> list[float]:
    results = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(page_link(url, "step_through", SENTENCE), wait_until="commit")
        page.wait_for_function(f"() => ({JS_STEP})() !== null", timeout=120_000)
        results.append((time.perf_counter() - start) * 1000)
        context.close()
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(kind: str, values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50_ms": math.nan, "p95_ms": math.nan, "max_ms": math.nan, "goal_ms": GOALS[kind],
                "meets_goal": not GOALS[kind]}
    row = {"n": len(values), "p50_ms": round(statistics.median(values), 1),
           "p95_ms": round(percentile(values, 95), 1), "max_ms": round(max(values), 1)}
    goals = GOALS[kind]
    row["goal_ms"] = goals
    row["meets_goal"] = all(row[f"{k}_ms"] <= v for k, v in goals.items())
    return row


LABELS = {"step": "step → view moved", "sync": "step → server has it (URL)",
          "sentence": "new sentence → view redrawn", "session": "fresh session → first view"}


def table(results: dict) -> str:
    lines = [f"{'page':13} {'measure':30} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal"]
    for name, row in results.items():
        where, kind = name.split(":")
        goal = ", ".join(f"{k} ≤ {v}" for k, v in row["goal_ms"].items()) or "no goal"
        mark = ("ok" if row["meets_goal"] else "MISSED") if row["goal_ms"] else "-"
        lines.append(f"{where:13} {LABELS[kind]:30} {row['n']:>3} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f} "
                     f"{row['max_ms']:>8.0f}  {goal} ms: {mark}")
    return "\n".join(lines)


def measure(browser, url: str, args) -> dict:
    """Every timing asked for (--measures), keyed "page:measure"."""
    time_sessions(browser, url, 2)                        # warm: imports, models, first traces
    results, texts = {}, sentences()
    for where in args.pages:
        if "step" in args.measures:
            moved, synced = time_steps(browser, url, where, args.repeats, args.click, args.text)
            results[f"{where}:step"] = summary("step", moved)
            results[f"{where}:sync"] = summary("sync", synced)
        if "sentence" in args.measures:
            results[f"{where}:sentence"] = summary("sentence", time_sentences(browser, url, where, args.repeats, texts))
        print(table({k: v for k, v in results.items() if k.startswith(where)}), file=sys.stderr)   # as it goes
    if "session" in args.measures:
        results["step_through:session"] = summary("session", time_sessions(browser, url, args.repeats))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (default: start `streamlit run app.py` here)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--click", action="store_true", help="click “Next →” instead of pressing →")
    parser.add_argument("--chromium", default=os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--model", help="open the pages with this model (default: the app's own default)")
    parser.add_argument("--text", default=SENTENCE, help="the sentence to step through")
    parser.add_argument("--measures", nargs="+", choices=("step", "sentence", "session"),
                        default=["step", "sentence", "session"], help="what to time (default: all)")
    args = parser.parse_args(argv)
    MODEL["name"] = args.model
    if not Path(args.chromium).is_file():
        sys.exit(f"no chromium at {args.chromium}: apt-get install chromium (never `playwright install`)")

    from playwright.sync_api import sync_playwright

    process = None
    url = args.url.rstrip("/") if args.url else None
    if url is None:
        process, url, _ = start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            results = measure(browser, url, args)
            browser.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(json.dumps({"url": url, "repeats": args.repeats, "model": args.model, "tokens": len(tokens_of(args.text)),
                      "results": results}, indent=1)
          if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
