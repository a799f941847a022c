"""Guided tour (the landing page): the lesson's ideas in order, each live on the student's sentence."""
import streamlit as st

from rnnviz.i18n import t
from rnnviz.ui import controls, loaders, share, tour

st.title(t("tour.title"))
st.caption(t("tour.intro"))
controls.show_notices()
controls.keep_step()
name = st.session_state[controls.MODEL]
text = controls.usable_text(controls.sentence_box(name))
if text:
    for number, (key, heading, words, page) in enumerate(tour.sections(), start=1):
        tour.section(number, key, heading, words, page, name, text)
    share.share(loaders.get_trace(name, text), name)
else:
    share.share()
