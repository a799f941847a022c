"""The live view (rnnviz/ui/live) as the tests read it: the `.live` element in whichever component's
shadow root holds it. Other components (the history piece) come and go beside it, sometimes first,
and a component being remounted has no shadow root for a moment, so no helper assumes either."""
from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

FIND = ("[...document.querySelectorAll('[data-testid=\"stBidiComponentIsolated\"]')]"
        ".map(h => h.shadowRoot && h.shadowRoot.querySelector('.live')).find(Boolean)")


def wait_for_live(page, condition: str, arg=None, timeout: int = 10_000) -> None:
    """Waits until the JS `condition` on `v` (the view) and `want` (= `arg`) holds; when it never
    does, the failure says what the view showed instead (its sentence and step) and the URL."""
    try:
        page.wait_for_function(f"(want) => {{ const v = {FIND}; return Boolean(v) && ({condition}); }}",
                               arg=arg, timeout=timeout)
    except PlaywrightTimeout:
        shown = page.evaluate(f"() => {{ const v = {FIND}; return v ? {{...v.dataset}} : null; }}")
        raise AssertionError(f"the live view never met {condition!r} (want {arg!r}); it shows {shown}, "
                             f"at {page.url}") from None


def wait_for_live_step(page, step: int, timeout: int = 10_000) -> None:
    wait_for_live(page, "v.dataset.step === want", str(step), timeout)


def wait_for_live_sentence(page, tokens: list[str], timeout: int = 30_000) -> None:
    wait_for_live(page, "v.dataset.sentence === want", " ".join(tokens), timeout)
