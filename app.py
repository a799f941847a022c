"""rnnviz: page setup, the pages grouped by what they teach, and the model shared by all of them."""
import streamlit as st

from rnnviz.ui import controls

st.set_page_config(page_title="rnnviz — see inside recurrent networks", page_icon="🔁", layout="wide")

pages = {
    "Learn": [
        st.Page("views/step_through.py", title="Step through", icon=":material/footprint:", default=True),
        st.Page("views/anatomy.py", title="Cell anatomy", icon=":material/biotech:"),
    ],
    "Labs": [
        st.Page("views/gradients.py", title="Vanishing gradients", icon=":material/trending_down:"),
        st.Page("views/compare.py", title="RNN vs LSTM vs GRU", icon=":material/compare:"),
        st.Page("views/flags.py", title="Flags", icon=":material/flag:"),
        st.Page("views/deep.py", title="Deeper networks", icon=":material/layers:"),
    ],
}
page = st.navigation(pages)
st.sidebar.markdown("**rnnviz** · see a sentence flow through real RNN, LSTM and GRU cells")
if controls.model_picker() is None:
    st.stop()                       # the picker has said why; the sidebar still offers other models
controls.enter_page(page.url_path)
page.run()
