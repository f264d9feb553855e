"""Training: exercises built from documents and a reference coder; students code blind, submit, and learn from the
comparison with the reference."""
