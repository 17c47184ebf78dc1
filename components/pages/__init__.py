"""The pages: the only modules that import Streamlit. Each draws what the layers below made (queries in
components/queries/, figures and tables in components/charts/, both run by components/snapshot.py); the command line
and the core never import them."""
