"""Dashboard pages, registered with st.navigation in dashboard/app.py."""
