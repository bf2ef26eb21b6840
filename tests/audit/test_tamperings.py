"""Every kind of tampering of an anchored audit trail is detected (one of each here; the
figures over 160 come from ``python -m tests.audit.tamperings``), and an untouched one is
not (no false alarm)."""

from __future__ import annotations

import pytest

from app.audit import verify_log
from app.audit.anchors import verify_anchors
from app.audit.keys import load_public
from app.store import open_store
from tests.audit.tamperings import BLIND_SPOTS, KINDS, tamper_once

FORGER_KINDS = [k for k in KINDS if not k.startswith(("naive", "garbage"))]


def test_untouched_trail_passes(anchored):
    with open_store(anchored["db"], read_only=True) as s:
        assert verify_log(s).ok
        report = verify_anchors(s, anchored["anchors"], load_public(anchored["key"]))
    assert report.ok and report.checked == 3, report.problems


@pytest.mark.parametrize("kind", list(KINDS))
def test_tampering_is_detected(anchored_base, tmp_path, kind):
    result = tamper_once(anchored_base, tmp_path / "work", kind, seed=7)
    assert "traceback" not in result, result.get("traceback")
    assert result["detected"], result


@pytest.mark.parametrize("kind", FORGER_KINDS)
def test_forgers_pass_the_chain_alone_and_only_anchors_catch_them(anchored_base, tmp_path,
                                                                   kind):
    """Why anchors: a forger with the file re-hashes and moves the head, and the chain
    itself is consistent again."""
    result = tamper_once(anchored_base, tmp_path / "work", kind, seed=11)
    assert result["chain_ok"] and not result["anchors_ok"], result


def test_blind_spot_is_what_the_docs_say(anchored_base, tmp_path):
    """Deleting the newest anchor line (a file not kept append-only) and cutting the log
    back to after the anchor before it is beyond what the anchors can see."""
    (kind,) = BLIND_SPOTS
    result = tamper_once(anchored_base, tmp_path / "work", kind, seed=1)
    assert "traceback" not in result and not result["detected"]
