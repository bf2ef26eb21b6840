"""The append-only, hash-chained audit trail (审计日志)."""

from app.audit.log import VerifyResult, append, read_log, verify_log

__all__ = ["VerifyResult", "append", "read_log", "verify_log"]
