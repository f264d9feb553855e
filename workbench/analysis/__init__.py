"""Analysis: co-occurrence, frequencies, code × attribute matrices and theme reports (pure Python)."""

UNITS = ("overlap", "near", "sentence", "turn", "paragraph", "document")  # of co-occurrence (see .cooccurrence)
MEASURES = ("segments", "documents", "cases")  # of a code × attribute matrix (see .frequencies)
