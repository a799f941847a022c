"""Your lesson model: open the classifier trained in the lesson's notebook and explore it here."""
import streamlit as st

from rnnviz import figures
from rnnviz.ui import controls, loaders, make
from rnnviz.ui.stepper import chart

st.title("Your lesson model")
st.caption("Trained the news classifier in the lesson's notebook? Save its weights and its vocabulary there "
           "with these two lines, upload both files here, and every page of this app can read sentences with it.")
st.code(make.NOTEBOOK_CODE, language="python")
controls.show_notices()

weights_col, vocab_col = st.columns(2)
weights_col.file_uploader("Weights (model.pt)", type=["pt", "pth"], key=make.WEIGHTS_FILE,
                          help="A plain state_dict. It is read as tensors only: nothing in it is ever run.")
vocab_col.file_uploader("Vocabulary (vocab.txt)", type=["txt"], key=make.VOCAB_FILE,
                        help="One token per line, line i = token id i.")
cell_col, pooling_col, labels_col = st.columns(3)
cell = cell_col.selectbox("Cell", ["lstm", "rnn", "gru"], key=make.LESSON_CELL, format_func=str.upper)
pooling_col.radio("Read the classifier from", ["last", "mean"], horizontal=True, key=make.LESSON_POOLING + cell,
                  index=["last", "mean"].index(make.LESSON_POOLING_DEFAULT[cell]),
                  format_func={"last": "the last state", "mean": "the mean of all states"}.get,
                  help="The lesson's LSTM classifier reads the last state; its RNN classifier the mean.")
labels_col.text_input("Class names, in order", make.DEFAULT_LABELS, key=make.LESSON_LABELS)
st.button("Open my model", on_click=make.open_upload, type="primary", key="lesson_open", icon=":material/upload_file:")

outcome = st.session_state.get(make.LESSON_RESULT)
if outcome and outcome[0] == "error":
    st.error(controls.md_escape(f"Could not open these files: {outcome[1]}"), icon="⚠️")
elif outcome:
    st.success(controls.md_escape(f"Opened as {outcome[1]}: it is now the sidebar's model, on every page."), icon="✅")

name = st.session_state[controls.MODEL]
text = controls.usable_text(controls.sentence_box(name))
if text:
    model = loaders.get_model(name)
    if controls.task_of(name) == "lesson":
        st.subheader("What was found in the files")
        summary = make.lesson_summary(model, text)
        st.dataframe([{"what": k, "found": str(v)} for k, v in summary.items()], hide_index=True)
    else:
        st.info(controls.md_escape(f"Showing {name}, a bundled model, until you open your own."), icon="ℹ️")
    trace = loaders.get_trace(name, text)
    controls.token_chips(trace, model.vocab)
    chart(figures.state_heatmap_figure(trace, "hidden"), "hidden")
    best, p = figures.final_prediction(trace, top=1)[0]
    st.metric(f"Prediction after the whole text ({p:.0%} sure)", best)
