"""HTTP blueprints, registered by inventory.create_app()."""
