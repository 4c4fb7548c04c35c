"""API routers, loaded dynamically by app.main.load_routers()."""
