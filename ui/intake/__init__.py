"""The phone intake on the wall: device health (终端状态), 离线/出格 alarms and presence."""
