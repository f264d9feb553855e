"""Exchange formats: segment tables (CSV/XLSX) and coding imports."""
