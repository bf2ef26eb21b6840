"""The district's live state (实时态势), Qt-free: what the command centre's panels and map
layers show, kept current from the change feed (app.changes)."""
