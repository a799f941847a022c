"""rnnviz: page setup, the pages grouped by what they teach, and the model shared by all of them."""
import streamlit as st

from rnnviz.i18n import t
from rnnviz.runtime import use_one_thread
from rnnviz.ui import controls, language, pages, presets, teacher

use_one_thread()        # an entry point chooses the threads; importing rnnviz does not
st.set_page_config(page_title=t("app.page_title"), page_icon="🔁", layout="wide")

sections = pages.navigation()
page = st.navigation(sections, position="hidden" if controls.teaching() else "sidebar")   # teacher mode: a row of links
presets.apply_link(page)            # ?preset=: model, sentence, step, settings, page; before any widget holds them
st.sidebar.markdown(t("app.sidebar"))
if not controls.teaching():
    language.language_switch()
teacher.teacher_toggle(sections)    # ... and the switch sits in that row
if controls.model_picker() is None:
    st.stop()                       # the picker has said why; the sidebar still offers other models
controls.enter_page(page.url_path)
page.run()
