"""Streamlit glue for Train a model: a training job per session and its snapshots.

Training runs in a background thread owned by the session (one `Job` in st.session_state), not
in the script run: a click in the browser reruns the script, which would otherwise interrupt a
training loop inside the run. The page polls the job from a fragment (`live_panel`, run_every),
so the curves grow while the student keeps using the page; Stop sets the job's Event, which
train()'s `should_stop` reads before every step, and the model keeps what it has learnt.
The thread never touches st.*; the finished model joins the session's models in a script run
(`collect`). A server-wide semaphore (loaders.training_slots) lets at most a few jobs train at once.

The thread has no session, so it has no language either: what goes wrong there is kept as a
`Problem` (a core module's message, or a catalogue key and its fields) and put into words by
`problem_text` when a page shows it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from rnnviz import recipes
from rnnviz import train as training
from rnnviz.checkpoints import card_json, full_card, weights_bytes
from rnnviz.errors import RnnvizError
from rnnviz.i18n import t
from rnnviz.model import Model
from rnnviz.registry import CELL_KINDS, cell_kind, head_kind
from rnnviz.tasks import TASKS, get_task
from rnnviz.ui import controls, keys, loaders

CAPS = {"emb": 32, "hidden": 64, "layers": 2, "steps": 3000}   # keeps a class on one server responsive
SNAPSHOTS = 10                          # about one snapshot per 10 % of the steps
POLL_SECONDS = 1.0
DEFAULTS = training.PAGE_DEFAULTS          # what the widgets open on (the page's promise is measured on them)
DEFAULT_TASK, DEFAULT_CELL = DEFAULTS["task"], DEFAULTS["cell"]

# What went wrong: a core module's message (English, as raised), or a catalogue key and its
# fields, put into words when shown (problem_text): the training thread has no language.
Problem = str | tuple[str, dict]


def problem_text(problem: Problem, escape=str) -> str:
    """`problem` in the current language. `escape` (say controls.md_escape) is applied to what
    did not come from the catalogues: a core module's message, or the fields of a key."""
    if isinstance(problem, str):
        return escape(problem)
    key, fields = problem
    return t(key, **{name: escape(str(value)) for name, value in fields.items()})


@dataclass(eq=False)
class Job:
    """One training run: its settings, live history and snapshots (written by the thread)."""

    task: str
    cell: str
    options: dict
    history: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)     # (step, state_dict copy), in step order
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    result: training.TrainResult | None = None
    data: training.Data | None = None
    error: Problem | None = None
    started: bool = False                             # has a training slot
    name: str | None = None                           # once collected into the session's models

    @property
    def total(self) -> int:
        return self.options["steps"]

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def snapshot_due(self, step: int) -> bool:
        every = max(1, self.total // SNAPSHOTS)
        return step == 1 or step % every == 0

    def on_progress(self, step: int, total: int, record: dict) -> None:
        self.history.append(dict(record))

    def on_step(self, step: int, model: Model) -> None:
        if self.snapshot_due(step):
            self.snapshots.append((step, _copy(model)))


def _copy(model: Model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _run(job: Job, slots: threading.Semaphore) -> None:
    """The thread: wait for one of the server's `slots`, train, keep the final weights as the last snapshot."""
    with slots:
        job.started = True
        try:
            job.result = training.train(job.task, job.cell, data=job.data, progress=job.on_progress,
                                        on_step=job.on_step, should_stop=job.stop.is_set, **job.options)
        except RnnvizError as err:
            job.error = ("make.training_stopped", {"detail": str(err)})
        except Exception as err:  # noqa: BLE001 — a student sees a sentence, never a traceback
            job.error = ("make.training_failed", {"kind": type(err).__name__})
            return
    if job.result is not None and (not job.snapshots or job.snapshots[-1][0] != job.result.steps):
        job.snapshots.append((job.result.steps, _copy(job.result.model)))


# ---- the session's job -----------------------------------------------------------------------

def current_job() -> Job | None:
    return st.session_state.get(keys.JOB)


def reads_both_ways(task: str) -> bool:
    """Whether a model of `task` may read the text in both directions (a next-word model may not)."""
    return head_kind(get_task(task).head).reads_future


def settings() -> dict:
    """The training widgets' values as train() keywords (task and cell separate), capped."""
    s = {name: st.session_state[keys.setting(name)] for name in keys.SETTINGS if keys.setting(name) in st.session_state}
    s = {**DEFAULTS, **s}
    task, cell = s["task"], s["cell"]
    forget_bias = float(s["forget_bias"]) if cell_kind(cell).forget_gate else 0.0
    options = {"seed": int(s["seed"]), "emb": min(int(s["emb"]), CAPS["emb"]),
               "hidden": min(int(s["hidden"]), CAPS["hidden"]), "layers": min(int(s["layers"]), CAPS["layers"]),
               "bidirectional": bool(s["bidirectional"]) and reads_both_ways(task),
               "steps": min(int(s["steps"]), CAPS["steps"]), "lr": float(s["lr"]),
               "clip": float(s["clip"]), "forget_bias": forget_bias}
    return {"task": task, "cell": cell, "options": options}


def start() -> None:
    """Button callback: start a job from the widgets (one job per session at a time)."""
    job = current_job()
    if job is not None and job.running:
        return
    s = settings()
    job = Job(s["task"], s["cell"], s["options"], data=loaders.training_data(s["task"]))
    job.thread = threading.Thread(target=_run, args=(job, loaders.training_slots()), daemon=True,
                                  name="rnnviz-train")
    st.session_state[keys.JOB] = job
    st.session_state.pop(keys.SNAPSHOT, None)     # the new job has its own snapshots
    job.thread.start()


def stop() -> None:
    job = current_job()
    if job is not None:
        job.stop.set()


def collect(job: Job | None) -> bool:
    """Put a finished job's model into the session's models (once). True if it was new."""
    if job is None or job.running or job.result is None or job.name is not None:
        return False
    model, own = job.result.model, loaders.session_models()
    n = 1 + sum(1 for name in own if name.startswith(f"my-{job.task}-{job.cell}-"))
    job.name = f"my-{job.task}-{job.cell}-{n}"
    settings_ = {**job.options, "pooling": "last", "batch": 64}
    model.card = recipes.make_card(
        job.result, job.data, flags=None,
        description=f"yours: {recipes.default_description(job.task, job.cell, settings_)}, trained here",
        command=recipes.command_line(job.task, job.cell, job.options["seed"], settings_, None),
        extra={"trained_in": "the app (this session only)"})
    own[job.name] = model
    return True


def card_bytes(model: Model) -> bytes:
    """The model card a download gives: the same JSON `checkpoints.save` writes beside the weights."""
    return card_json(full_card(model)).encode("utf-8")


# ---- widgets -------------------------------------------------------------------------------------

def cell_picker(where, label: str, key: str, disabled: bool = False) -> str:
    """A cell kind, named as the lesson names it ("LSTM"), in the registry's order; LSTM first chosen."""
    cells = list(CELL_KINDS)
    return where.selectbox(label, cells, index=cells.index(DEFAULT_CELL), key=key, disabled=disabled,
                           format_func=labelled(cells, lambda c: CELL_KINDS[c].title))


def settings_panel(disabled: bool) -> None:
    """Task, cell, sizes and optimiser settings (keys.setting(train() keyword))."""
    key = keys.setting
    task_col, cell_col, seed_col = st.columns(3)
    task = task_col.selectbox(t("make.task"), TASKS, index=TASKS.index(DEFAULT_TASK), key=key("task"),
                              format_func=labelled(TASKS, controls.task_title), disabled=disabled)
    cell = cell_picker(cell_col, t("make.cell"), key("cell"), disabled)
    d = DEFAULTS
    seed_col.number_input(t("make.seed"), 0, 9999, d["seed"], key=key("seed"), disabled=disabled)
    sizes = st.columns(4)
    sizes[0].slider(t("make.emb"), 4, CAPS["emb"], d["emb"], key=key("emb"), disabled=disabled)
    sizes[1].slider(t("make.hidden"), 4, CAPS["hidden"], d["hidden"], key=key("hidden"), disabled=disabled)
    sizes[2].slider(t("make.layers"), 1, CAPS["layers"], d["layers"], key=key("layers"), disabled=disabled)
    sizes[3].checkbox(t("make.bidirectional"), d["bidirectional"], key=key("bidirectional"),
                      disabled=disabled or not reads_both_ways(task), help=t("make.bidirectional_help"))
    opt = st.columns(4)
    opt[0].slider(t("make.steps"), 10, CAPS["steps"], d["steps"], step=10, key=key("steps"), disabled=disabled)
    opt[1].select_slider(t("make.lr"), [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2], d["lr"], key=key("lr"),
                         format_func="{:g}".format, disabled=disabled)
    clips = [0.0, 0.25, 0.5, 1.0, 2.0, 5.0]
    opt[2].select_slider(t("make.clip"), clips, d["clip"], key=key("clip"),
                         format_func=labelled(clips, clip_label), disabled=disabled)
    opt[3].slider(t("make.forget_bias"), -3.0, 5.0, d["forget_bias"], 0.5, key=key("forget_bias"),
                  disabled=disabled or cell_kind(cell).forget_gate is None, help=t("make.forget_bias_help"))


def clip_label(clip: float) -> str:
    """A clipping threshold as the slider names it: "no clipping" for 0."""
    return t("make.no_clipping") if clip == 0 else f"{clip:g}"


def labelled(options, label) -> Callable[[object], str]:
    """A format_func naming each of `options` by `label`, its words read now, in this run's
    language: Streamlit (and AppTest) may call a format_func later, where no session says which."""
    return {option: label(option) for option in options}.__getitem__


def live_panel() -> None:
    """Progress, Stop and the curves; reruns on its own every POLL_SECONDS while a job trains."""
    job = current_job()
    st.fragment(run_every=POLL_SECONDS if job is not None and job.running else None)(_live)()


def _live() -> None:
    from rnnviz.figures.training import training_curves_figure
    job = current_job()
    if job is not None and job.result is not None and job.name is None and not job.running:
        st.rerun(scope="app")              # finished: the full page collects it, the picker shows it
    history = list(job.history) if job is not None else []
    if job is not None and job.running:
        done = len(history)
        st.progress(done / job.total, text=t("make.progress", done=f"{done:,}", total=f"{job.total:,}")
                    if job.started else t("make.waiting"))
        st.button(t("make.stop"), key=keys.STOP, on_click=stop, icon=":material/stop:")
    st.plotly_chart(training_curves_figure(history, job.total if job else None,
                                           clip=job.options["clip"] if job else None),
                    key=keys.TRAINING_CURVES, theme=None, config={"displaylogo": False})


def finished_panel(job: Job) -> None:
    """What the finished job left: its name, a button to use it, the two downloads."""
    if job.error:
        st.error(problem_text(job.error, controls.md_escape), icon="⚠️")
        return
    if job.name is None:
        return
    result, model = job.result, job.result.model
    steps, total = f"{result.steps:,}", f"{job.total:,}"
    how = t("make.stopped_after", steps=steps, total=total) if result.stopped else t("make.steps_done", steps=steps)
    st.success(t("make.ready", name=job.name, how=how,
                 accuracy=f"{result.metrics.get('accuracy', 0):.0%}"), icon="✅")
    use, pt, card = st.columns(3)
    use.button(t("make.use"), on_click=controls.use_model, args=(job.name,), key=keys.USE)
    pt.download_button(t("make.download_weights"), weights_bytes(model), f"{job.name}.pt", key=keys.DOWNLOAD_WEIGHTS)
    card.download_button(t("make.download_card"), card_bytes(model), f"{job.name}.json",
                         mime="application/json", key=keys.DOWNLOAD_CARD)


def snapshot_index(job: Job) -> int:
    """The scrubber's snapshot (keys.SNAPSHOT, moved in the browser): the last one until a move."""
    count, index = len(job.snapshots), st.session_state.get(keys.SNAPSHOT)
    if not isinstance(index, int) or not 0 <= index < count:
        index = count - 1
    st.session_state[keys.SNAPSHOT] = index
    return index
