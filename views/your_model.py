"""Your lesson model: open the classifier trained in the lesson's notebook and explore it here."""
import streamlit as st

from rnnviz import figures
from rnnviz.i18n import t
from rnnviz.registry import POOLINGS
from rnnviz.ui import controls, keys, lesson_upload, loaders, make, tokens
from rnnviz.ui.stepper import chart


def upload_form(_name: str) -> None:
    """The notebook's lines, the two files, how the classifier reads and splits text, and what opening them did."""
    st.code(lesson_upload.NOTEBOOK_CODE, language="python")
    weights_col, vocab_col = st.columns(2)
    weights_col.file_uploader(t("your_model.weights"), type=lesson_upload.WEIGHTS_TYPES, key=keys.WEIGHTS_FILE,
                              help=t("your_model.weights_help"))
    vocab_col.file_uploader(t("your_model.vocab"), type=lesson_upload.VOCAB_TYPES, key=keys.VOCAB_FILE,
                            help=t("your_model.vocab_help"))
    cell_col, pooling_col = st.columns(2)
    cell = make.cell_picker(cell_col, t("make.cell"), keys.LESSON_CELL)
    pooling_col.radio(t("your_model.pooling"), POOLINGS, horizontal=True, key=keys.lesson_pooling(cell),
                      index=POOLINGS.index(lesson_upload.lesson_pooling(cell)),
                      format_func=make.labelled(POOLINGS, lesson_upload.pooling_label),
                      help=t("your_model.pooling_help"))
    tokenizer_col, labels_col = st.columns(2)
    choices = lesson_upload.TOKENIZER_CHOICES
    tokenizer_col.selectbox(t("your_model.tokenizer"), choices, key=keys.LESSON_TOKENIZER,
                            index=choices.index(lesson_upload.DEFAULT_TOKENIZER),
                            format_func=make.labelled(choices, lesson_upload.tokenizer_label),
                            help=t("your_model.tokenizer_help"))
    labels_col.text_input(t("your_model.labels"), lesson_upload.DEFAULT_LABELS, key=keys.LESSON_LABELS)
    st.button(t("your_model.open"), on_click=lesson_upload.open_upload, type="primary", key=keys.LESSON_OPEN,
              icon=":material/upload_file:")
    outcome = st.session_state.get(keys.LESSON_RESULT)
    if outcome and outcome[0] == "error":
        st.error(t("your_model.could_not_open", detail=make.problem_text(outcome[1], controls.md_escape)), icon="⚠️")
    elif outcome:
        st.success(t("your_model.opened", name=controls.md_escape(outcome[1])), icon="✅")


name, text, _ = controls.page_top(t("your_model.title"), t("your_model.intro"), more=upload_form)
if text:
    model = loaders.get_model(name)
    if controls.task_of(name) == "lesson":
        st.subheader(t("your_model.found_title"))
        summary = lesson_upload.lesson_summary(model, text)
        what, found = t("your_model.column_what"), t("your_model.column_found")
        st.dataframe([{what: k, found: str(v)} for k, v in summary.items()], hide_index=True, height="content")
        for label, said in lesson_upload.lesson_notes(model).items():
            st.caption(f"**{controls.md_escape(label)}:** {controls.md_escape(said)}")
    else:
        st.info(t("your_model.bundled", name=controls.md_escape(name)), icon="ℹ️")
    trace = loaders.get_trace(name, text)
    tokens.token_chips(trace, name)
    chart(figures.state_heatmap_figure(trace, "hidden"), "hidden")
    found = tokens.unknown_notice(trace, name)          # above the answer: can it read this sentence?
    best, p = trace.top_predictions(top=1)[0]
    said = t("your_model.prediction", sure=f"{p:.0%}") if found.readable else tokens.answer_caption(found, name)
    st.metric(said, controls.md_escape(best))         # its value is markdown: a predicted "*" or "-" stays itself
