"""The store: SQLAlchemy models, engine factory, migrations and repositories."""
