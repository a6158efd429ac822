"""The Streamlit dashboard: it only reads the store, through the cached loaders of data.py."""
