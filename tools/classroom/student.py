"""One simulated student: opens Step through with its own sentence, then reruns and steps.

Its sentences carry a made-up word only it types ("zorp007x"); any other student's word in what
the server sends it is cross-talk (one session seeing another's state).
"""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote

import websockets

from classroom import protocol

PAGE = "step_through"
TEXT_KEY = "text"                  # rnnviz.ui.keys.TEXT, the sentence box
COMPONENT = "rnnviz_live"          # the live view's components-v2 name; its "moved" trigger is a step
WORDS = re.compile(rb"zorp\d{3}x")
RUN_TIMEOUT = 60.0


def word_of(student: int) -> str:
    return f"zorp{student:03d}x"


def sentence(student: int, turn: int) -> str:
    """A new sentence per turn, with the student's own word in it."""
    return f"the {word_of(student)} movie number {turn} was good ."


@dataclass
class Result:
    student: int
    open_latency: float | None = None
    open_bytes: int = 0
    rerun_latencies: list[float] = field(default_factory=list)
    rerun_bytes: list[int] = field(default_factory=list)
    step_latencies: list[float] = field(default_factory=list)
    step_bytes: list[int] = field(default_factory=list)
    step_component_bytes: list[int] = field(default_factory=list)   # the live view's payload in a step sync
    steps_skipped: int = 0
    errors: list[str] = field(default_factory=list)
    cross_talk: list[str] = field(default_factory=list)
    saw_own_word: bool = False


class Student:
    """A websocket session that behaves like one browser tab on Step through."""

    def __init__(self, number: int, ws_url: str):
        self.number, self.ws_url, self.word = number, ws_url, word_of(number).encode()
        self.result = Result(number)
        self.query = ""
        self.widgets: dict = {}
        self.component: tuple[str, str] | None = None
        self.page_hash = ""

    async def run_once(self, ws, fragment_id: str = "", extra=()) -> tuple[float, int, protocol.Seen]:
        """Sends a rerun (with `extra` widget states for this message only); waits for script_finished.
        Returns (seconds, bytes received, what the run said)."""
        widgets = {**self.widgets, **{w.id: w for w in extra}}
        seen, size = protocol.Seen(), 0
        started = time.perf_counter()
        await ws.send(protocol.rerun(PAGE, self.query, widgets, fragment_id, self.page_hash))
        async with asyncio.timeout(RUN_TIMEOUT):
            while seen.finished is None or seen.finished == protocol.ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                raw = await ws.recv()
                size += len(raw)
                self._check_words(raw)
                protocol.read(raw, seen, TEXT_KEY, COMPONENT)
        elapsed = time.perf_counter() - started
        self.result.errors += seen.errors
        if seen.query_string is not None:       # the browser's URL follows the script's st.query_params
            self.query = seen.query_string
        if seen.page_script_hash:
            self.page_hash = seen.page_script_hash
        if seen.component:
            self.component = seen.component
        return elapsed, size, seen

    def _expect(self, key: str, value: str, error: str) -> None:
        """The URL the script wrote says `key` is `value` (the page writes its sentence and step there)."""
        if parse_qs(self.query).get(key) != [value]:
            self.result.errors.append(f"{error}: {key}={parse_qs(self.query).get(key)}, sent {value!r}")

    def _check_words(self, raw: bytes) -> None:
        for found in set(WORDS.findall(raw)):
            if found == self.word:
                self.result.saw_own_word = True
            else:
                self.result.cross_talk.append(found.decode())

    async def run(self, deadline: float, interval: float, steps_per_rerun: int, start_delay: float) -> Result:
        """Open, then until `deadline` (monotonic): a new sentence every `interval` s and its steps."""
        await asyncio.sleep(start_delay)
        try:
            async with websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                          open_timeout=RUN_TIMEOUT, ping_timeout=None) as ws:
                await self._session(ws, deadline, interval, steps_per_rerun)
        except (OSError, TimeoutError, websockets.ConnectionClosed, websockets.InvalidHandshake) as err:
            self.result.errors.append(f"{type(err).__name__}: {err}"[:300])
        return self.result

    async def _session(self, ws, deadline: float, interval: float, steps_per_rerun: int) -> None:
        self.query = f"{TEXT_KEY}={quote(sentence(self.number, 0))}"
        self.result.open_latency, self.result.open_bytes, seen = await self.run_once(ws)
        if seen.text_area is None:
            self.result.errors.append("no sentence box in Step through's first run")
            return
        turn, gap = 0, interval / (steps_per_rerun + 1)
        next_tick = time.monotonic() + interval
        while True:
            now = time.monotonic()
            next_tick = max(next_tick, now)     # behind: the turns missed are skipped, never queued
            if next_tick >= deadline:
                break
            await asyncio.sleep(next_tick - now)
            next_tick += interval
            turn += 1
            self.widgets[seen.text_area] = protocol.string_widget(seen.text_area, sentence(self.number, turn))
            latency, size, _ = await self.run_once(ws)
            self._expect(TEXT_KEY, sentence(self.number, turn), "the server drew another sentence")
            self.result.rerun_latencies.append(latency)
            self.result.rerun_bytes.append(size)
            for step in range(1, steps_per_rerun + 1):
                if self.component is None or time.monotonic() + gap >= min(deadline, next_tick):
                    self.result.steps_skipped += steps_per_rerun - step + 1    # no time left before the next turn
                    break
                await asyncio.sleep(gap)
                element_id, fragment_id = self.component
                trigger = protocol.trigger_widget(element_id, "moved", step)
                latency, size, ran = await self.run_once(ws, fragment_id, extra=[trigger])
                self._expect("step", str(step), "the server did not take the step")
                self.result.step_latencies.append(latency)
                self.result.step_bytes.append(size)
                self.result.step_component_bytes.append(ran.component_bytes)
