"""Pieces of tools/classroom_load.py: Streamlit's websocket protocol, one student, the server's memory."""
