"""The Streamlit staff app: sign-in, forms and dashboards."""
