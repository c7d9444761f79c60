"""Alembic environment for the scenario library: the connection comes from the caller
(w13xl.library.store.migrate passes it in ``config.attributes['connection']``)."""

from alembic import context

from w13xl.library.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
