"""rnnviz: the Streamlit entry point (the pages arrive with the app issue)."""
import streamlit as st

st.set_page_config(page_title="rnnviz", page_icon="🔁", layout="wide")
st.title("rnnviz")
st.write("Type a sentence and watch it flow through real RNN, LSTM and GRU cells. "
         "The step-through and cell-anatomy pages are being built.")
