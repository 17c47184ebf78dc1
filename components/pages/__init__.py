"""The pages: the only modules that import Streamlit. Each draws what a pure builder of the core made (queries in
components/selection.py and the views' modules, figures in their build_* functions); the command line and the
core never import them."""
