"""Every Streamlit session-state key, in one place: one name per concept.

A widget's `key` is a session-state key too, and some keys are also the URL's parameter names
(a view is a link: `text`, `model`, `step`, `unit`, `lang`, `teacher`). The values are part of
what the browser sees (Streamlit gives each keyed element the CSS class `st-key-<key>`, which the
browser tests find), so a value changes only together with those tests.

Keys that name a family (one per model, per figure, per setting) are built by the functions at
the end, never by hand where they are used. Figures drawn without a click handler are keyed by
their figure's name where they are drawn: that key is the element's identity, not state.
"""
from __future__ import annotations

# ---- the view, shared by every page (also the URL's parameter names) ------------------------
TEXT = "text"                   # the sentence box
MODEL = "model"                 # the sidebar's model picker
STEP = "step"                   # the token cursor t
UNIT = "unit"                   # the Flags page's unit, "11" or "LAYER:DIR:UNIT" in the URL
LANG = "lang"                   # the language switch (lang=fil)
TEACHER = "teacher"             # teacher mode (teacher=1)

# ---- the page frame (ui/controls.py, ui/stepper.py, ui/teacher.py) ----------------------------
EXAMPLE_PICK = "example_pick"   # the task's one-click example sentences
NOTICES = "notices"             # messages queued for the top of the page
LAST_TASK = "last_task"         # the task the sentence box showed last
LAST_PAGE = "last_page"         # the url path of the page shown last
REVEALED = "revealed"           # teacher mode: [model, text, step] whose answer is shown
REVEAL = "reveal"               # teacher mode: the reveal button (Enter)

# ---- lesson presets (ui/presets.py) ----------------------------------------------------------
PRESET = "preset"               # the URL's lesson idea (?preset=vanishing), applied once per link visit
PRESET_ACTIVE = "preset_active"     # the preset applied last (its claim shows while its view is on)
PRESET_PICK = "preset_pick"     # teacher mode's idea picker
PRESET_CLAIM = "preset_claim"   # the container of the claim callout at the top of the preset's page
TEACHER_MODEL = "teacher_model"     # teacher mode's model picker (sets MODEL: the sidebar is hidden)
REVEALED_FINAL = "revealed_final"   # teacher mode: [model, text] whose final answer is shown
REVEAL_FINAL = "reveal_final"   # teacher mode: the button that reveals the final answer

# ---- this session's own models and what was computed from them (ui/loaders.py) ---------------
SESSION_MODELS = "session_models"        # name -> Model
SESSION_TRACES = "session_traces"        # session_cached store: traces of the session's models
SESSION_FLAGS = "session_flags"          # session_cached store: flag analyses of the session's models
SESSION_SNAPSHOTS = "session_snapshots"  # session_cached store: a training job's snapshot models
SESSION_CLAIMS = "session_claims"        # session_cached store: the presets' claims, per preset and models

# ---- Step through ---------------------------------------------------------------------------
AS_FIGURES = "as_figures"       # the live view's parts as plotly figures
LIVE = "live"                   # the live view component; its "moved" trigger carries the step
LIVE_SLICE = "live_slice"       # which layer and direction the live view shows, "LAYER:DIRECTION"
PAGE_DOWNLOAD = "page_download"  # the whole live view as one self-contained HTML page

# ---- Cell anatomy, RNN vs LSTM vs GRU --------------------------------------------------------
ANATOMY_SLICE = "anatomy_slice"     # which layer and direction the anatomy opens
ANATOMY_PANELS = "anatomy_panels"   # the anatomy's panels view; its "moved" trigger carries the step
ANATOMY_FIGURES = "anatomy_figures"     # the anatomy's pictures as plotly figures too
SATURATION_CLICK = "saturation_click"   # the gate-saturation scatter: a click picks a unit

# ---- cursor pages (RNN vs LSTM vs GRU, Deeper networks: ui/live panels; ui/controls.cursor) -----
CURSOR_OF = "cursor_of"         # [sentence, model] the cursor was last kept for: a new one starts at 0
COMPARE_PANELS = "compare_panels"   # the panels view of RNN vs LSTM vs GRU; its "moved" trigger carries the step
DEEP_PANELS = "deep_panels"     # the panels view of Deeper networks
COMPARE_FIGURES = "compare_figures"     # RNN vs LSTM vs GRU: the pictures as plotly figures too
DEEP_FIGURES = "deep_figures"   # Deeper networks: the pictures as plotly figures too

# ---- Vanishing gradients ---------------------------------------------------------------------
LAB_SCALE, LAB_ACTIVATION, LAB_BIAS, LAB_CLIP = "lab_scale", "lab_act", "lab_bias", "lab_clip"
LAB_RESET = "lab_reset"         # puts every lab widget back to the lesson's setting
RECALL_TEXT = "recall_text"

# ---- Flags (ui/units.py) ---------------------------------------------------------------------
UNIT_CONTEXT = "unit_context"   # (model, concept) the unit was chosen for
UNIT_NOTICE = "unit_notice"     # the link's unit that could not be used, until a unit is picked
FLAG_CONCEPT = "flag_concept"
FLAG_WORD = "flag_word"         # the typed trigger word
CLAMP_TO = "clamp_to"
CLAMP_SENTENCE = "clamp_sentence"    # which sentence the clamp reads: "demo" (one where it flips) or "yours"
CLAMP_CONTEXT = "clamp_context"      # (model, concept, unit, text) the clamp defaults were chosen for
CLAMP_SHOW_DEMO = "clamp_show_demo"  # the button that moves the clamp to a sentence where it flips
PAIR_A, PAIR_B = "pair_a", "pair_b"
PAIR_PICK = "pair_pick"         # the prepared pairs' picker
PAIR_TASK = "pair_task"         # the task the pair was prefilled for
FLAG_RANKING, FLAG_LINES = "flag_ranking", "flag_lines"     # clickable charts: a click picks a unit

# ---- Train a model (ui/make.py) --------------------------------------------------------------
JOB = "make_job"                # this session's training Job
START = "make_start"
STOP = "make_stop"
USE = "make_use"                # use the trained model on every page
DOWNLOAD_WEIGHTS, DOWNLOAD_CARD = "make_download_pt", "make_download_card"
TRAINING_CURVES = "training_curves"
SNAPSHOT = "make_snapshot"      # the scrubber's snapshot index (its panels view's "moved" trigger sets it)
SCRUB_PANELS = "make_scrub_panels"      # the scrubber's panels view
SCRUB_FIGURES = "make_scrub_figures"    # the scrubber's pictures as plotly figures too
TRAIN_CONCEPT = "make_concept"  # the scrubbed flag ranking's concept
SETTINGS = ("task", "cell", "seed", "emb", "hidden", "layers", "bidirectional", "steps", "lr", "clip",
            "forget_bias")      # the training widgets, named as train()'s keywords

# ---- Your lesson model (ui/make.py) ----------------------------------------------------------
WEIGHTS_FILE, VOCAB_FILE = "lesson_weights", "lesson_vocab"
LESSON_CELL, LESSON_LABELS = "lesson_cell", "lesson_labels"
LESSON_TOKENIZER = "lesson_tokenizer"     # how the opened model splits text (default: the lesson's basic_english)
LESSON_OPEN = "lesson_open"
LESSON_RESULT = "lesson_result"     # ("ok", model name) | ("error", Problem)

# ---- the share box (ui/share.py) -------------------------------------------------------------
SHARE_JSON, SHARE_STATES, SHARE_TOKENS = "share_json", "share_states", "share_tokens"
HISTORY = "history"             # the browser piece that makes URL writes replace, not add, history entries
URL_WRITTEN = "url_written"     # {URL parameter: the value this session wrote there last} (Back/Forward)

# ---- unknown words (ui/controls.py: unknown_notice) --------------------------------------------
TRY_NEAREST = "try_nearest"     # loads the prepared sentence nearest to one the model cannot read


# ---- families ----------------------------------------------------------------------------------

def view(key: str) -> str:
    """The last value of `key` (TEXT, STEP) a page showed, handed to the next page's widget."""
    return f"view_{key}"


def setting(name: str) -> str:
    """A training widget (`name` one of SETTINGS): "make_hidden"."""
    return f"make_{name}"


def lesson_pooling(cell: str) -> str:
    """The lesson model's pooling radio: one per cell kind, each with its own default."""
    return f"lesson_pooling_{cell}"


def html_download(figure: str) -> str:
    """The button that saves figure `figure` as HTML."""
    return f"{figure}_html"


def open_model(name: str) -> str:
    """A button that shows model `name` on every page (Deeper networks)."""
    return f"open_{name}"


def compare_chart(part: str, name: str) -> str:
    """RNN vs LSTM vs GRU: the plotly chart `part` (hidden, prediction, gradient) of model `name`."""
    return f"compare_{part}_{name}"


def pair_chart(state: str) -> str:
    """Flags: the clickable minimal-pair difference of `state` (flag, hidden)."""
    return f"pair_{state}"


def char_cells_chart(feature: str) -> str:
    """Flags, a character model: the text coloured by the best cell of `feature` (quote, ...)."""
    return f"char_cells_{feature}"
