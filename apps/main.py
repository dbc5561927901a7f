"""The staff app's entry file: it only decides which pages this user sees."""

import streamlit as st

from apps import session
from apps.navigation import pages_for

st.set_page_config(page_title="Quad", page_icon=":material/school:", layout="wide")
principal = session.current_principal()
session.sync_cookie()
st.navigation(pages_for(principal)).run()
