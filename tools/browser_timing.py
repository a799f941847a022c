"""How fast the app feels in a real browser (Debian chromium via Playwright), on a warm server.

    python tools/browser_timing.py                 # starts `streamlit run app.py` on a free port
    python tools/browser_timing.py --url http://127.0.0.1:8501 --repeats 50 --json

Three timings, each over --repeats runs (default 20):
  step      press → on the Step-through page until the view's current-token outline has moved
            (p50 goal ≤ 150 ms, p95 ≤ 300 ms)
  sync      the same press until the server has the step (the URL says step=…): no goal, the
            view does not wait for it
  sentence  type a new sentence, Ctrl+Enter, until the view is redrawn with the new tokens
            (p50 goal ≤ 600 ms)
  session   a new browser context opens the page until the view is drawn (p50 goal ≤ 3 s)
  anatomy, compare
            → on Cell anatomy / RNN vs LSTM vs GRU, whose cursor still steps through the server,
            until the slider has moved and no element is stale (no goal; at most 10 steps each)

Uses /usr/bin/chromium (or --chromium); never `playwright install`. A script, not a test: it
prints numbers, and exits 1 only if it could not measure. Set RNNVIZ_MODELS_DIR to time the app
with other models (the server started here inherits the environment).
"""
from __future__ import annotations

import argparse
import itertools
import json
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
VIEW = ".live rect.outline"         # the step-through view (rnnviz/ui/live), drawn in the browser
GOALS = {"step": {"p50": 150, "p95": 300}, "sync": {}, "sentence": {"p50": 600}, "session": {"p50": 3000},
         "anatomy": {}, "compare": {}}
SERVER_STEPPED = ("anatomy", "compare")     # pages whose cursor still steps through the server
SLIDER = '.st-key-step input[type="range"]'
JS_SLIDER_AT = f"""() => {{
  const s = document.querySelector('{SLIDER}');
  return s ? (s.getAttribute('aria-valuenow') || s.value) : null;
}}"""

JS_VIEW = """() => {
  const host = document.querySelector('[data-testid="stBidiComponentIsolated"]');
  return host && host.shadowRoot ? host.shadowRoot.querySelector('.live') : null;
}"""
# where the current-token outline is drawn (its x in the view's picture)
JS_HIGHLIGHT = f"""() => {{
  const view = ({JS_VIEW})();
  const outline = view && view.querySelector('rect.outline');
  return outline ? Number(outline.getAttribute('x')) : null;
}}"""
# the view shows `tokens`, and no element of the page is stale
JS_ALL_CHARTS_SHOW = f"""(tokens) => {{
  const view = ({JS_VIEW})();
  return !!view && view.dataset.sentence === tokens.join(' ') && !!view.querySelector('rect.outline')
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


def tokens_of(text: str) -> list[str]:
    """The tokens as the model reads them."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from rnnviz.text import tokenize
    return tokenize(text)


def wait_for_page(page) -> None:
    page.wait_for_selector(VIEW, timeout=120_000)
    page.wait_for_function(f"() => ({JS_HIGHLIGHT})() !== null", timeout=120_000)


def time_steps(browser, url: str, repeats: int, click: bool) -> tuple[list[float], list[float]]:
    """(press → outline moved, press → the server has the step: the URL says step=…)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/step_through?text={quote(SENTENCE)}")
    wait_for_page(page)
    page.locator("h1").first.click()                      # focus the page, not an input
    next_button = page.locator(".live button.step").nth(2)
    moved, synced = [], []
    for _ in range(repeats):
        before = page.evaluate(JS_HIGHLIGHT)
        start = time.perf_counter()
        if click:
            next_button.click()
        else:
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => ({JS_HIGHLIGHT})() !== {before}", polling="raf", timeout=30_000)
        moved.append((time.perf_counter() - start) * 1000)
        step = page.locator(".live").get_attribute("data-step")
        expected = f"step={step}" if step != "0" else ""
        page.wait_for_function("(want) => want ? location.search.includes(want) : !location.search.includes('step=')",
                               arg=expected, polling="raf", timeout=30_000)
        synced.append((time.perf_counter() - start) * 1000)
        page.wait_for_timeout(50)
    context.close()
    return moved, synced


def time_sentences(browser, url: str, repeats: int) -> list[float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/step_through?text={quote(SENTENCE)}")
    wait_for_page(page)
    box = page.locator(".st-key-text textarea")
    results = []
    for text in itertools.islice(sentences(), repeats):
        tokens = tokens_of(text)
        box.fill(text)                                    # typing is the student's time, not ours
        start = time.perf_counter()
        box.press("Control+Enter")
        page.wait_for_function(JS_ALL_CHARTS_SHOW, arg=tokens, polling="raf", timeout=60_000)
        results.append((time.perf_counter() - start) * 1000)
    context.close()
    return results


def time_server_steps(browser, url: str, page_name: str, repeats: int) -> list[float]:
    """→ on a page with a server-side cursor, until its slider has moved and nothing is stale."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/{page_name}?text={quote(SENTENCE)}")
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
    page.wait_for_timeout(1000)
    page.locator("h1").first.click()
    results = []
    for _ in range(repeats):
        before = page.evaluate(JS_SLIDER_AT)
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"(b) => ({JS_SLIDER_AT})() !== b && !document.querySelector('[data-stale=\"true\"]')",
                               arg=before, polling="raf", timeout=30_000)
        results.append((time.perf_counter() - start) * 1000)
        page.wait_for_timeout(300)
    context.close()
    return results


def time_sessions(browser, url: str, repeats: int) -> list[float]:
    results = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{url}/step_through?text={quote(SENTENCE)}", wait_until="commit")
        page.wait_for_selector(VIEW, timeout=120_000)
        results.append((time.perf_counter() - start) * 1000)
        context.close()
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(name: str, values: list[float]) -> dict:
    row = {"n": len(values), "p50_ms": round(statistics.median(values), 1),
           "p95_ms": round(percentile(values, 95), 1), "max_ms": round(max(values), 1)}
    goals = GOALS[name]
    row["goal_ms"] = goals
    row["meets_goal"] = all(row[f"{k}_ms"] <= v for k, v in goals.items())
    return row


def table(results: dict) -> str:
    labels = {"step": "step (→ or Next) → highlight moved", "sync": "step → server has it (URL)",
              "sentence": "new sentence → all charts",
              "session": "fresh session → first chart",
              **{name: f"{name}: step (→) → figures redrawn" for name in SERVER_STEPPED}}
    lines = [f"{'measure':38} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal"]
    for name, row in results.items():
        goal = ", ".join(f"{k} ≤ {v}" for k, v in row["goal_ms"].items()) or "no goal"
        mark = ("ok" if row["meets_goal"] else "MISSED") if row["goal_ms"] else "-"
        lines.append(f"{labels[name]:38} {row['n']:>3} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f} "
                     f"{row['max_ms']:>8.0f}  {goal} ms: {mark}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (default: start `streamlit run app.py` here)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--click", action="store_true", help="click “Next →” instead of pressing →")
    parser.add_argument("--chromium", default=os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
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
            time_sessions(browser, url, 2)                # warm: imports, models, first traces
            moved, synced = time_steps(browser, url, args.repeats, args.click)
            results = {
                "step": summary("step", moved),
                "sync": summary("sync", synced),
                "sentence": summary("sentence", time_sentences(browser, url, args.repeats)),
                "session": summary("session", time_sessions(browser, url, args.repeats)),
                **{name: summary(name, time_server_steps(browser, url, name, min(args.repeats, 10)))
                   for name in SERVER_STEPPED},
            }
            browser.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(json.dumps({"url": url, "repeats": args.repeats, "results": results}, indent=1)
          if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
