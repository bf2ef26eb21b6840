"""Bringing a real district in and taking it out (issue 15): ``district import|export``.

The steps a wizard drives one at a time (``importer.ImportSession``):

* ``sources``   read Shapefile, GeoPackage, GeoJSON (also bare arrays, ``.js``), CSV, XLSX
  with pyogrio; the frame of each file checked first (``encoding``: UTF-8/GB18030/Big5
  scored, DBF field names cut mid-character repaired)
* ``mapping``   what a layer is and which columns feed which fields; TOML/JSON mapping files
* ``crs`` / ``webdatum`` / ``geometry`` / ``datum``   .prj, --crs, Gauss-Kruger forms from the
  numbers, GCJ-02/BD-09, geometry checks and repairs, the 300–700 m datum signature
* ``hierarchy`` / ``tiling``   levels, parents from codes, dissolved upper levels, containment,
  gaps/overlaps/orphans in m² with places, sliver repairs
* ``layers`` / ``planning``   buildings, merchants, cameras, staff, departments, categories;
  ids and the difference to the stored district (cases re-filed, listed)
* ``writer``    one transaction, audited; ``report`` what the user reads
* ``exporter`` / ``privacy``   every layer out (GPKG, GeoJSON, Shapefile), phones masked
* ``bench``     the import/export speed figures; ``cli`` the command line's door
"""
