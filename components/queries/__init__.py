"""The views' SQL: each module asks the store (through queries.reader.Reader) for what one view draws, and no more."""
