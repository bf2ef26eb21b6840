"""Where a case comes from (案件来源): the codes stored in ``cases.source``.

In the order the demo generator draws them (its weights per case kind follow it):
grid patrol 网格巡查, citizens on site 群众上报, the 12345 hotline 热线, the app 随手拍,
leaders' instructions 领导交办, petitions 信访, sensors 感知设备.
"""

SOURCES = ("patrol", "public", "hotline", "app", "instruction", "petition", "sensor")
