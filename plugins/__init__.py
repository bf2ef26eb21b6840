"""Built-in plugins: every module here is loaded through the same door as a third-party
plugin (``ui.plugin_api.load_plugins``) and exposes ``register(registry)``."""
