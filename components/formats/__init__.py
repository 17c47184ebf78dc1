"""Readers of the dataset files analysts download: one module per format, one that detects which a file is."""
