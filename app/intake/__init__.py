"""The intake (终端接入): GPS fixes and reports from phones in the field, as the apps people
already use send them, into the district's store - Qt-free.

A pipeline of small steps, each with one job (like Traccar's server):

* ``protocols`` - decoders: OwnTracks (MQTT, HTTP), Traccar Client (OsmAnd, JSON),
  GPSLogger, field reports, Open311; bad input becomes a counted reason (``messages``);
* ``messages.to_storage`` - WGS-84 / GCJ-02 / BD-09 to CGCS2000, per device;
* ``filters`` - invalid, zero, future, outdated, accuracy, speed: flagged, never dropped;
* ``devices`` - the registry: device → worker (待绑定 until bound), token, datum;
* ``sink`` - one transaction per batch, idempotent on (device, fix time); ``reports`` -
  cases through the workflow;
* ``service`` - the pipeline, shared by the doors ``mqtt`` and ``http``;
* ``feed`` - the intake as a window's live feed; ``simulate`` - the demo workers as
  phones; ``broker_auth``/``local_broker`` - mosquitto's accounts; ``bench``;
* ``health`` - per device: last fix, battery, accuracy, flagged fixes; ``presence`` - the
  fresh share per grid and street, workers silent (离线) or out of their grid (出格).

Command line: ``python -m app intake …`` and ``python -m app simulate …``.
"""
