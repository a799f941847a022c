"""rnnviz: page setup, the pages grouped by what they teach, and the model shared by all of them."""
import streamlit as st

from rnnviz.i18n import t
from rnnviz.runtime import use_one_thread
from rnnviz.ui import controls, language, teacher

use_one_thread()        # an entry point chooses the threads; importing rnnviz does not
st.set_page_config(page_title=t("app.page_title"), page_icon="🔁", layout="wide")

pages = {
    t("nav.start"): [
        st.Page("views/tour.py", title=t("nav.tour"), icon=":material/tour:", default=True),
    ],
    t("nav.learn"): [
        st.Page("views/step_through.py", title=t("nav.step_through"), icon=":material/footprint:"),
        st.Page("views/anatomy.py", title=t("nav.anatomy"), icon=":material/biotech:"),
    ],
    t("nav.labs"): [
        st.Page("views/gradients.py", title=t("nav.gradients"), icon=":material/trending_down:"),
        st.Page("views/compare.py", title=t("nav.compare"), icon=":material/compare:"),
        st.Page("views/flags.py", title=t("nav.flags"), icon=":material/flag:"),
        st.Page("views/deep.py", title=t("nav.deep"), icon=":material/layers:"),
    ],
    t("nav.make"): [
        st.Page("views/train.py", title=t("nav.train"), icon=":material/model_training:"),
        st.Page("views/your_model.py", title=t("nav.your_model"), icon=":material/upload_file:"),
    ],
}
page = st.navigation(pages, position="hidden" if controls.teaching() else "sidebar")   # teacher mode: links on the page
st.sidebar.markdown(t("app.sidebar"))
if not controls.teaching():
    language.language_switch()
teacher.teacher_toggle(pages)       # teacher mode: the switch sits in its row of page links
if controls.model_picker() is None:
    st.stop()                       # the picker has said why; the sidebar still offers other models
controls.enter_page(page.url_path)
page.run()
