"""Figures and tables built from the queries' results: plotly and pandas only, no SQL and no Streamlit."""
