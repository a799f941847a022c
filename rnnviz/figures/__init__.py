"""Pure figure builders: a Trace (plus plain options) in, a plotly Figure out. No Streamlit here."""
from .diagram import unrolled_figure
from .gates import gate_heatmap_figure, gate_strips_figure
from .predictions import prediction_figure
from .states import state_heatmap_figure

__all__ = [
    "gate_heatmap_figure", "gate_strips_figure", "prediction_figure",
    "state_heatmap_figure", "unrolled_figure",
]
