"""Adapters to the database: SQLAlchemy 2 tables, repositories, unit of work, Alembic."""
