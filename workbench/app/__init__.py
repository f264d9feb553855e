"""The Streamlit app: thin pages over the workbench core (they never write SQL)."""
