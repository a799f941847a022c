// The step-through view on a page of its own (rnnviz/standalone.py): no Streamlit, no server.
// The page inlines live.js (its default export renamed rnnvizLive), then this shim, which hands
// it what Streamlit would: the payload, the element to draw in, and two callbacks that have
// nobody to tell. One payload per layer and direction; the buttons switch between them, the
// cursor stays where it is. Slice names are text: set with textContent only.

const noop = () => {};
const views = JSON.parse(document.getElementById("rnnviz-views").textContent);
const holder = document.getElementById("rnnviz-view");
const picker = document.getElementById("rnnviz-slices");
const buttons = [];

function drawSlice(i) {
  const inst = holder.__rnnvizLive;
  const step = inst && Number.isInteger(inst.step) ? inst.step : views[i].step;
  rnnvizLive({ data: { ...views[i], step }, parentElement: holder, setTriggerValue: noop, setStateValue: noop });
  buttons.forEach((button, k) => button.setAttribute("aria-pressed", String(k === i)));
}

if (views.length > 1) {
  views.forEach((view, i) => {
    const button = document.createElement("button");
    button.className = "step";
    button.textContent = view.slice;
    button.onclick = () => drawSlice(i);
    picker.appendChild(button);
    buttons.push(button);
  });
} else {
  picker.remove();
}
drawSlice(0);
