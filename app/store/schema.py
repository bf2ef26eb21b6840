"""The versioned GridCC schema and its forward migrations.

Each entry of ``MIGRATIONS`` upgrades the schema from ``version - 1`` to
``version``; a new database runs them all.  Never edit a released migration:
append a new one.

Conventions
-----------
* Geometry is WKB in a BLOB column ``geom`` (CGCS2000 lon/lat, EPSG:4490) with a
  bounding box (``min_lon`` … ``max_lat``) for cheap window queries.
* Timestamps are naive local time (Beijing, UTC+8) - the clock the centre runs on.
* Codes, enums and statuses are stored as short ASCII codes; the UI translates.
* No foreign-key constraints (DuckDB cannot update referenced rows); referential
  integrity is validated by ``python -m app check``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.store.sequences import create_sequences

#: a migration step: SQL, or a function of the store for what SQL alone cannot say
#: (e.g. a sequence starting after the largest id already in an old file)
Step = str | Callable

_V1 = [
    """CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
    # 四级网格: 1 district 区, 2 street 街道, 3 community 社区, 4 base grid 网格
    """CREATE TABLE grid_units (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        level TINYINT NOT NULL CHECK (level BETWEEN 1 AND 4),
        parent_id INTEGER,
        households INTEGER NOT NULL DEFAULT 0,
        residents INTEGER NOT NULL DEFAULT 0,
        area_m2 DOUBLE NOT NULL,
        label_lon DOUBLE NOT NULL, label_lat DOUBLE NOT NULL,
        min_lon DOUBLE NOT NULL, min_lat DOUBLE NOT NULL,
        max_lon DOUBLE NOT NULL, max_lat DOUBLE NOT NULL,
        geom BLOB NOT NULL
    )""",
    # use: residential, commercial, office, school, kindergarten, hospital,
    #      care_home, industrial, public
    """CREATE TABLE buildings (
        id INTEGER PRIMARY KEY,
        grid_id INTEGER NOT NULL,
        use VARCHAR NOT NULL,
        name VARCHAR,
        floors SMALLINT NOT NULL CHECK (floors >= 1),
        height_m REAL NOT NULL CHECK (height_m > 0),
        entrances SMALLINT NOT NULL DEFAULT 1,
        min_lon DOUBLE NOT NULL, min_lat DOUBLE NOT NULL,
        max_lon DOUBLE NOT NULL, max_lat DOUBLE NOT NULL,
        geom BLOB NOT NULL
    )""",
    # Residents only as aggregates per building: no person is ever stored.
    """CREATE TABLE building_population (
        building_id INTEGER PRIMARY KEY,
        households INTEGER NOT NULL,
        residents INTEGER NOT NULL,
        elderly INTEGER NOT NULL,
        children INTEGER NOT NULL,
        special_care INTEGER NOT NULL
    )""",
    # hazard_class: 1 high 重点, 2 medium 一般, 3 low 低风险
    """CREATE TABLE merchants (
        id INTEGER PRIMARY KEY,
        name VARCHAR NOT NULL,
        trade VARCHAR NOT NULL,
        hazard_class TINYINT NOT NULL CHECK (hazard_class BETWEEN 1 AND 3),
        building_id INTEGER,
        grid_id INTEGER NOT NULL,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL
    )""",
    # kind: bureau 职能部门, utility 公共服务企业, leadership 区领导, supervision 督查室
    """CREATE TABLE departments (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        short_name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL
    )""",
    # role: grid_leader 网格长, grid_worker 专职网格员, police 网格民警,
    #       sanitation 环卫, city_management 城管
    """CREATE TABLE workers (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        grid_id INTEGER NOT NULL,
        department_id INTEGER,
        phone VARCHAR NOT NULL,
        shift_start TIME NOT NULL,
        shift_end TIME NOT NULL
    )""",
    # kind: street, kindergarten, school, hospital, enterprise, care_home
    """CREATE TABLE cameras (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        department_id INTEGER NOT NULL,
        grid_id INTEGER NOT NULL,
        building_id INTEGER,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
        heading_deg REAL NOT NULL,
        fov_deg REAL NOT NULL,
        stream_url VARCHAR NOT NULL,
        online BOOLEAN NOT NULL DEFAULT TRUE
    )""",
    # Case categories: 2-digit class + 2-digit subclass (GB/T 30428.2 style);
    # kind groups them the way seed 002 reports them.
    """CREATE TABLE categories (
        code VARCHAR PRIMARY KEY,
        class_code VARCHAR NOT NULL,
        class_name VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        department_id INTEGER NOT NULL,
        limit_hours SMALLINT NOT NULL
    )""",
    # source: public, patrol, hotline, app, instruction, petition, sensor
    # status: accepted registered dispatched handled fed_back verified closed
    #         evaluated | returned voided extended deferred parked
    """CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        category_code VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
        grid_id INTEGER NOT NULL,
        department_id INTEGER,
        reporter_worker_id INTEGER,
        reported_at TIMESTAMP NOT NULL,
        accepted_at TIMESTAMP,
        registered_at TIMESTAMP,
        dispatched_at TIMESTAMP,
        handled_at TIMESTAMP,
        fed_back_at TIMESTAMP,
        verified_at TIMESTAMP,
        closed_at TIMESTAMP,
        evaluated_at TIMESTAMP,
        deadline_at TIMESTAMP,
        rework_count TINYINT NOT NULL DEFAULT 0,
        satisfaction TINYINT
    )""",
    """CREATE TABLE case_transitions (
        case_id INTEGER NOT NULL,
        seq SMALLINT NOT NULL,
        action VARCHAR NOT NULL,
        from_status VARCHAR,
        to_status VARCHAR NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        actor_role VARCHAR NOT NULL,
        actor_id INTEGER,
        note VARCHAR,
        PRIMARY KEY (case_id, seq)
    )""",
    # 街道吹哨: round 1 is a whistle, round 2 a second whistle (二次哨)
    # status: blown reported handling fed_back verified closed
    """CREATE TABLE whistles (
        id INTEGER PRIMARY KEY,
        code VARCHAR NOT NULL UNIQUE,
        street_id INTEGER NOT NULL,
        grid_id INTEGER,
        case_id INTEGER,
        parent_whistle_id INTEGER,
        round TINYINT NOT NULL DEFAULT 1,
        title VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
        blown_by_role VARCHAR NOT NULL,
        blown_at TIMESTAMP NOT NULL,
        report_deadline TIMESTAMP NOT NULL,
        finish_deadline TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        closed_at TIMESTAMP,
        supervised BOOLEAN NOT NULL DEFAULT FALSE,
        accountability BOOLEAN NOT NULL DEFAULT FALSE
    )""",
    # 部门报到 and the street's rating of each department's work (下考上)
    """CREATE TABLE whistle_departments (
        whistle_id INTEGER NOT NULL,
        department_id INTEGER NOT NULL,
        reported_at TIMESTAMP,
        reported_by VARCHAR,
        handled_at TIMESTAMP,
        fed_back_at TIMESTAMP,
        rating TINYINT CHECK (rating BETWEEN 1 AND 5),
        rating_comment VARCHAR,
        rated_at TIMESTAMP,
        PRIMARY KEY (whistle_id, department_id)
    )""",
    """CREATE TABLE gps_fixes (
        worker_id INTEGER NOT NULL,
        t TIMESTAMP NOT NULL,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
        speed_mps REAL,
        accuracy_m REAL
    )""",
    # Monthly appraisal of each department by each street (下考上), 0-100.
    """CREATE TABLE appraisal_ratings (
        period VARCHAR NOT NULL,
        street_id INTEGER NOT NULL,
        department_id INTEGER NOT NULL,
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
        comment VARCHAR,
        rated_by_role VARCHAR NOT NULL,
        rated_at TIMESTAMP NOT NULL,
        PRIMARY KEY (period, street_id, department_id)
    )""",
]

MIGRATIONS: dict[int, list[Step]] = {1: _V1}

# Version 2: accounts, the audit trail, approvals and the paused working-time clock
# of cases, the whistle timeline (app/auth, app/audit, app/workflow).
_V2 = [
    # role: see app.auth.permissions.Role; scope_kind: district street community department
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username VARCHAR NOT NULL UNIQUE,
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        scope_kind VARCHAR NOT NULL,
        scope_id INTEGER,
        password_hash VARCHAR NOT NULL,
        failed_logins SMALLINT NOT NULL DEFAULT 0,
        locked BOOLEAN NOT NULL DEFAULT FALSE,
        created_at TIMESTAMP NOT NULL,
        last_login_at TIMESTAMP
    )""",
    # Append-only: hash = SHA-256(prev_hash || canonical record); see app/audit.
    """CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        occurred_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        entity_id VARCHAR,
        before VARCHAR,
        after VARCHAR,
        prev_hash VARCHAR NOT NULL,
        hash VARCHAR NOT NULL
    )""",
    # 哨令时间线: every step of a whistle, with who, role and attachments (JSON list)
    """CREATE TABLE whistle_events (
        whistle_id INTEGER NOT NULL,
        seq SMALLINT NOT NULL,
        action VARCHAR NOT NULL,
        department_id INTEGER,
        occurred_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        actor_role VARCHAR NOT NULL,
        note VARCHAR,
        attachments VARCHAR,
        PRIMARY KEY (whistle_id, seq)
    )""",
    "ALTER TABLE case_transitions ADD COLUMN approver VARCHAR",
    "ALTER TABLE case_transitions ADD COLUMN actor_name VARCHAR",
    # 延期/缓办 pause the clock: working seconds left, kept while paused
    "ALTER TABLE cases ADD COLUMN paused_at TIMESTAMP",
    "ALTER TABLE cases ADD COLUMN remaining_s DOUBLE",
    "ALTER TABLE whistle_departments ADD COLUMN verified_at TIMESTAMP",
    "ALTER TABLE whistles ADD COLUMN supervised_at TIMESTAMP",
]
MIGRATIONS[2] = _V2

# Version 3: a camera's sub-stream (辅码流), a lower-resolution stream the video wall
# plays in small tiles of dense layouts; NULL when the camera has only one stream.
_V3 = [
    "ALTER TABLE cameras ADD COLUMN substream_url VARCHAR",
]
MIGRATIONS[3] = _V3

# Version 4: performance appraisal (app/appraisal): saved versions of the scoring
# scheme, the streets' periodic surveys (one per street per period; the scores of each
# department go to appraisal_ratings), and published periods with their frozen figures.
_V4 = [
    # versions never change once saved; body is the scheme's JSON document
    """CREATE TABLE appraisal_schemes (
        version VARCHAR PRIMARY KEY,
        body VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE appraisal_surveys (
        period VARCHAR NOT NULL,
        street_id INTEGER NOT NULL,
        submitted_by VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        comment VARCHAR,
        PRIMARY KEY (period, street_id)
    )""",
    # a published period: its bounds and the scheme version it was scored with
    """CREATE TABLE appraisal_publications (
        period VARCHAR PRIMARY KEY,
        starts_at TIMESTAMP NOT NULL,
        ends_at TIMESTAMP NOT NULL,
        scheme_version VARCHAR NOT NULL,
        published_at TIMESTAMP NOT NULL,
        published_by VARCHAR NOT NULL
    )""",
    # the frozen figures: one JSON document per subject (department, street, community)
    """CREATE TABLE appraisal_frozen_scores (
        period VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        subject_id INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        score DOUBLE,
        body VARCHAR NOT NULL,
        PRIMARY KEY (period, subject, subject_id)
    )""",
]
MIGRATIONS[4] = _V4

# Version 5: one live truth (issue 10).  A version on every case and whistle row, bumped
# by each workflow write and checked by the next (a stale action is a conflict, not a
# lost update); a flag on a stored GPS fix kept but not trusted ('future': dated beyond
# the tolerance ahead of the district clock).  Ids from sequences and the case codes'
# daily numbers from a counter row, unique with several writers (app/store/sequences.py).
_V5 = [
    "ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE whistles ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE gps_fixes ADD COLUMN flag VARCHAR",
    # kind: case (the NNNNN of AJyyyymmddNNNNNW); last: the last number given out that day
    """CREATE TABLE daily_numbers (
        kind VARCHAR NOT NULL,
        day DATE NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (kind, day)
    )""",
    create_sequences,  # case_id, whistle_id, user_id, after the ids already there
]
MIGRATIONS[5] = _V5

# Version 6: phones in the field (issue 14, app/intake).  ``devices``: each phone app's
# device (key: owntracks:<user>/<device>, osmand:<id>, gpslogger:<id>) bound to a worker,
# or not yet (待绑定: worker_id NULL), with its access token's hash and the datum it
# reports in (wgs84, gcj02, bd09).  ``device_fixes``: every fix a device sent, keyed by
# (device, fix time) so that a redelivered message is stored once, with its filter flag
# (app/intake/filters.py); a bound device's fixes go on into gps_fixes.  Reports from the
# field and from Open311 clients keep the sender's id of them (``intake_reports.ref``: a
# resent report is one case) and their photos (``case_photos``).
_V6 = [
    """CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        key VARCHAR NOT NULL UNIQUE,
        worker_id INTEGER,
        crs VARCHAR NOT NULL DEFAULT 'wgs84',
        token_hash VARCHAR,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP,
        bound_at TIMESTAMP
    )""",
    """CREATE TABLE device_fixes (
        device_id INTEGER NOT NULL,
        t TIMESTAMP NOT NULL,
        lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
        speed_mps REAL,
        accuracy_m REAL,
        battery REAL,
        flag VARCHAR,
        received_at TIMESTAMP NOT NULL,
        PRIMARY KEY (device_id, t)
    )""",
    """CREATE TABLE intake_reports (
        ref VARCHAR PRIMARY KEY,
        case_id INTEGER NOT NULL,
        device_id INTEGER,
        received_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE case_photos (
        case_id INTEGER NOT NULL,
        seq SMALLINT NOT NULL,
        content_type VARCHAR NOT NULL,
        data BLOB NOT NULL,
        received_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, seq)
    )""",
    # Open311 client applications and their API keys (hashed)
    """CREATE TABLE open311_clients (
        name VARCHAR PRIMARY KEY,
        key_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
]
MIGRATIONS[6] = _V6

#: tables the app only ever appends to (the store refuses UPDATE/DELETE on them)
APPEND_ONLY_TABLES = ("audit_log",)
# what changes or removes their rows, in either dialect's spelling (schema main/public)
_TAMPER_RE = re.compile(
    r"\b(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|"
    r"ALTER\s+TABLE|INSERT\s+OR\s+REPLACE\s+INTO)\s+(?:\"?(?:main|public)\"?\.)?\"?(?:"
    + "|".join(APPEND_ONLY_TABLES) + r")\b", re.IGNORECASE)


def refuse_tampering(sql: str) -> None:
    """StoreError when ``sql`` would change or remove rows of an append-only table (the
    server's triggers refuse it too; a file has only this guard)."""
    if _TAMPER_RE.search(sql):
        from app.store.errors import StoreError

        raise StoreError("the audit log is append-only: records cannot be changed or deleted")

#: the tables of the domain, in dependency order (for counts, copies and checks)
DOMAIN_TABLES = [
    "grid_units",
    "buildings",
    "building_population",
    "merchants",
    "departments",
    "workers",
    "cameras",
    "categories",
    "cases",
    "case_transitions",
    "whistles",
    "whistle_departments",
    "gps_fixes",
    "appraisal_ratings",
]


def latest_version(migrations: dict[int, list[Step]] | None = None) -> int:
    return max((migrations or MIGRATIONS).keys())
