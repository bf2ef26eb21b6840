"""Dock panels; each is registered as a plugin panel (see ``ui.plugin_api``)."""
