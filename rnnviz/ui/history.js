// Back and Forward for the app: one browser history entry per page, not one per URL write.
//
// Streamlit pushes a history entry for every st.query_params write (the step, the unit, the
// sentence...), so Back took three presses to leave a page. Here a write that keeps the page's
// path replaces the current entry instead; a page switch (a new path) still pushes one.
//
// While a page switch is under way, the new page's first writes still carry the old page's path
// (Streamlit moves the address bar a moment later), and they drop the old page's sentence: those
// leave the old page's entry as it was, so Back finds it with its sentence and step. A switch is
// under way after a click on a link to another path, or when a write would drop the sentence.
export default function (component) {
  const sentence = (component.data && component.data.sentence) || "text";
  if (window.__rnnvizHistory) return;
  window.__rnnvizHistory = true;
  const push = history.pushState.bind(history);
  const SWITCH_MS = 15000;         // a switch that has not moved the address bar by then is not coming
  let leaving = null;             // the path a click on a page link is leaving
  let timer = null;

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target === "_blank" || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const to = new URL(link.href, location.href);
    if (to.origin !== location.origin || to.pathname === location.pathname) return;
    leaving = location.pathname;
    clearTimeout(timer);
    timer = setTimeout(() => { leaving = null; }, SWITCH_MS);
  }, true);

  history.pushState = function (state, unused, url) {
    const to = new URL(url === undefined || url === null ? location.href : url, location.href);
    if (to.pathname !== location.pathname) {
      leaving = null;
      return push(state, unused, url);
    }
    const dropsSentence = new URLSearchParams(location.search).has(sentence) && !to.searchParams.has(sentence);
    if (leaving === location.pathname || dropsSentence) return undefined;   // the old page keeps its entry
    return history.replaceState(state, unused, url);
  };
}
