"""Guided tour (the landing page): the lesson's ideas in order, each live on the student's sentence."""
from rnnviz.i18n import t
from rnnviz.ui import controls, loaders, share, tour

controls.keep_step()                # no cursor here: a link's step waits for the next page's
name, text, _ = controls.page_top(t("tour.title"), t("tour.intro"))
if text:
    for number, (key, heading, words, page) in enumerate(tour.sections(), start=1):
        tour.section(number, key, heading, words, page, name, text)
    share.share(loaders.get_trace(name, text), name)
else:
    share.share()
