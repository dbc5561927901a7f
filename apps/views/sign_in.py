"""Sign in with a Quad account, or through the school's identity provider."""

import streamlit as st

from apps import session

st.title("Quad")
st.write("Sign in to take attendance, keep the gradebook and run the school.")

with st.form("sign_in"):
    username = st.text_input("Name", key="sign_in_name", autocomplete="username")
    password = st.text_input(
        "Password",
        type="password",
        key="sign_in_password",
        autocomplete="current-password",
    )
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    refusal = session.sign_in(username, password)
    if refusal is None:
        st.rerun()
    st.error(refusal, icon=":material/lock:")

provider_refusal = st.session_state.pop("quad_provider_refusal", None)
if provider_refusal:
    st.error(provider_refusal)
if session.provider_configured():
    st.divider()
    if st.button("Sign in with the school's account", key="sign_in_provider"):
        st.login()
