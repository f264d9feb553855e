"""Analysis: co-occurrence, frequencies, code × attribute matrices and theme reports (pure Python)."""
