"""Command modules of ``python -m app``.

Each module here defines ``register(subparsers, add_db_arg) -> dict[str, handler]``:
it adds its sub-commands and returns the handlers (``handler(args) -> exit code``).
Handlers raise ``app.cli.UserError`` or ``app.store.StoreError`` for user mistakes.
"""
