"""PostGIS geometry on the server: the district's tables as GIS layers (图层).

GridCC itself keeps geometry as WKB (``geom``) and lon/lat columns, the same on both
backends.  On a server, each spatial table also gets a *generated* PostGIS column
``shape`` in CGCS2000 (EPSG:4490) with a GiST index, computed by the server from those
columns on every insert and update.  So a QGIS user adds the grids, buildings, cameras,
cases, merchants, whistles and GPS tracks straight from the server (``geometry_columns``
lists them with SRID 4490), and nothing in GridCC writes them: COPY and INSERT name
only ordinary columns (app/store/pg_copy.py copies ``is_generated = 'NEVER'`` ones).

Polygons are stored as ``MultiPolygon`` (``ST_Multi``): the demo writes plain polygons,
an imported shapefile mixes polygons and multipolygons, and one exact type per layer is
what QGIS wants.

:func:`install_geometry` runs once at ``server init`` (as the administrator: creating
the PostGIS extension needs a superuser) and is idempotent.
"""

from __future__ import annotations

from app.store.errors import StoreError

SRID = 4490
#: the generated geometry column's name in every spatial table
COLUMN = "shape"
#: Debian 12's package of PostGIS for PostgreSQL 15
POSTGIS_PACKAGE = "postgresql-15-postgis-3"

#: table -> (geometry type, expression over the table's own columns)
LAYERS: dict[str, tuple[str, str]] = {
    "grid_units": ("MultiPolygon", f"ST_Multi(ST_GeomFromWKB(geom, {SRID}))"),
    "buildings": ("MultiPolygon", f"ST_Multi(ST_GeomFromWKB(geom, {SRID}))"),
    "cameras": ("Point", f"ST_Point(lon, lat, {SRID})"),
    "cases": ("Point", f"ST_Point(lon, lat, {SRID})"),
    "merchants": ("Point", f"ST_Point(lon, lat, {SRID})"),
    "whistles": ("Point", f"ST_Point(lon, lat, {SRID})"),
    "gps_fixes": ("Point", f"ST_Point(lon, lat, {SRID})"),
}


def index_name(table: str) -> str:
    return f"{table}_{COLUMN}_gist"


def install_geometry(store) -> None:
    """Create the PostGIS extension, the ``shape`` column and its GiST index of every
    table in :data:`LAYERS` on ``store`` (a PostgresStore opened by the administrator,
    schema already migrated).  Running it again changes nothing.  All in one
    transaction: a failure leaves the district as it was."""
    _require_postgis(store)
    missing = [t for t in LAYERS if not store.scalar("SELECT to_regclass(?) IS NOT NULL",
                                                     [f"public.{t}"])]
    if missing:
        raise StoreError(f"服务器上的库尚未初始化（没有表 {', '.join(missing)}）："
                         f"先建立区库结构再安装空间字段（{store.path}）")
    with store.transaction():
        store._raw("CREATE EXTENSION IF NOT EXISTS postgis")
        for table, (kind, expr) in LAYERS.items():
            if not _has_column(store, table, COLUMN):
                store._raw(f"ALTER TABLE {table} ADD COLUMN {COLUMN} geometry({kind}, {SRID}) "
                           f"GENERATED ALWAYS AS ({expr}) STORED")
            store._raw(f"CREATE INDEX IF NOT EXISTS {index_name(table)} "
                       f"ON {table} USING gist ({COLUMN})")


def has_geometry(store) -> bool:
    """Whether :func:`install_geometry` has run on this district."""
    return all(_has_column(store, t, COLUMN) for t in LAYERS)


def _has_column(store, table: str, column: str) -> bool:
    return bool(store.scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
        "'public' AND table_name = ? AND column_name = ?)", [table, column]))


def _require_postgis(store) -> None:
    """PostGIS must be installed on the server machine (the package), and creating the
    extension needs a superuser unless it is already there."""
    if store.scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')"):
        return
    if not store.scalar("SELECT EXISTS (SELECT 1 FROM pg_available_extensions "
                        "WHERE name = 'postgis')"):
        raise StoreError(f"服务器上没有安装 PostGIS：请在数据库服务器上运行 "
                         f"`apt-get install {POSTGIS_PACKAGE}` 后重试（{store.path}）")
    if not store.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        raise StoreError(f"PostGIS 扩展尚未在该库中启用，启用它需要超级用户：请管理员运行 "
                         f"`python -m app server init --db …`（{store.path}）")
