"""Case-Study Coding Workbench: qualitative coding of interview transcripts, on your own machine."""

__version__ = "0.1.0"
