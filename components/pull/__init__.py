"""ACLED's and UCDP's APIs, pulled page by page, resumably, into files the store imports: `conflict-monitor pull`.

run (the command's work: resume, publish, import, state, deletions), client (HTTP with retries and limits), auth
(credentials, token cache, ACLED's OAuth), apis (what to ask each API and how to check its answers), spool (the
partial file, its record, the atomic rename). No Streamlit: the CLI imports it.
"""
