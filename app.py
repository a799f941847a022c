"""rnnviz: page setup, the pages grouped by what they teach, and the model shared by all of them."""
import streamlit as st

from rnnviz.ui import controls, teacher

st.set_page_config(page_title="rnnviz — see inside recurrent networks", page_icon="🔁", layout="wide")

pages = {
    "Start": [
        st.Page("views/tour.py", title="Guided tour", icon=":material/tour:", default=True),
    ],
    "Learn": [
        st.Page("views/step_through.py", title="Step through", icon=":material/footprint:"),
        st.Page("views/anatomy.py", title="Cell anatomy", icon=":material/biotech:"),
    ],
    "Labs": [
        st.Page("views/gradients.py", title="Vanishing gradients", icon=":material/trending_down:"),
        st.Page("views/compare.py", title="RNN vs LSTM vs GRU", icon=":material/compare:"),
        st.Page("views/flags.py", title="Flags", icon=":material/flag:"),
        st.Page("views/deep.py", title="Deeper networks", icon=":material/layers:"),
    ],
    "Make": [
        st.Page("views/train.py", title="Train a model", icon=":material/model_training:"),
        st.Page("views/your_model.py", title="Your lesson model", icon=":material/upload_file:"),
    ],
}
page = st.navigation(pages, position="hidden" if controls.teaching() else "sidebar")   # teacher mode: links on the page
st.sidebar.markdown("**rnnviz** · see a sentence flow through real RNN, LSTM and GRU cells")
teacher.teacher_toggle(pages)
if controls.model_picker() is None:
    st.stop()                       # the picker has said why; the sidebar still offers other models
controls.enter_page(page.url_path)
page.run()
