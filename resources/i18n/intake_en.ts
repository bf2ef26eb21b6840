<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>BindDialog</name>
    <message>
        <source>绑定终端</source>
        <translation>Bind device</translation>
    </message>
    <message>
        <source>终端 {key} 属于哪位人员？（输入编号或姓名）</source>
        <translation>Whose device is {key}? (type a code or name)</translation>
    </message>
</context>
<context>
    <name>DevicePanel</name>
    <message>
        <source>无效</source>
        <extracomment>committed fixes arriving within this are read together: a read of a big district takes a good part of a second (Hongqiao, 4,215 workers, 1.1 M fixes: 0.7 s on the worker), and under a steady intake the change feed never rests the reasons of app/intake/filters.py FLAGS as the operator reads them</extracomment>
        <translation>Invalid</translation>
    </message>
    <message>
        <source>零坐标</source>
        <translation>Zero position</translation>
    </message>
    <message>
        <source>时间超前</source>
        <translation>Future time</translation>
    </message>
    <message>
        <source>过时</source>
        <translation>Outdated</translation>
    </message>
    <message>
        <source>精度差</source>
        <translation>Poor accuracy</translation>
    </message>
    <message>
        <source>速度异常</source>
        <translation>Impossible speed</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>出格</source>
        <translation>Out of grid</translation>
    </message>
    <message>
        <source>{n} 秒</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>{n} 分钟</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{n} 小时</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>待绑定</source>
        <translation>Unbound</translation>
    </message>
    <message>
        <source>告警</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>最后定位</source>
        <translation>Last fix</translation>
    </message>
    <message>
        <source>终端</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>间隔</source>
        <translation>Age</translation>
    </message>
    <message>
        <source>电量</source>
        <translation>Battery</translation>
    </message>
    <message>
        <source>精度</source>
        <translation>Accuracy</translation>
    </message>
    <message>
        <source>标记的定位</source>
        <translation>Flagged fixes</translation>
    </message>
    <message>
        <source>定位数</source>
        <translation>Fixes</translation>
    </message>
    <message>
        <source>街道</source>
        <translation>Street</translation>
    </message>
    <message>
        <source>在岗</source>
        <translation>On duty</translation>
    </message>
    <message>
        <source>定位新鲜</source>
        <translation>Fresh fix</translation>
    </message>
    <message>
        <source>在线率</source>
        <translation>Live share</translation>
    </message>
    <message>
        <source>绑定…</source>
        <translation>Bind…</translation>
    </message>
    <message>
        <source>只读演示：登录系统管理员账号后可绑定终端</source>
        <translation>Read-only demo: sign in as an administrator to bind devices</translation>
    </message>
    <message>
        <source>终端列表</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>各街道</source>
        <translation>Streets</translation>
    </message>
    <message>
        <source>终端状态读取失败：{reason}</source>
        <translation>Device status could not be read: {reason}</translation>
    </message>
    <message>
        <source>在岗 {on} 人，定位新鲜（60 秒内）{fresh} 人（{share}）· 离线 {offline} · 出格 {outside} · 终端 {devices}，待绑定 {waiting}</source>
        <translation>On duty {on}, fresh fix (60 s) {fresh} ({share}) · Offline {offline} · Out of grid {outside} · Devices {devices}, unbound {waiting}</translation>
    </message>
    <message>
        <source>告警 ({n})</source>
        <translation>Alarms ({n})</translation>
    </message>
    <message>
        <source>待绑定 ({n})</source>
        <translation>Unbound ({n})</translation>
    </message>
    <message>
        <source>{age}前</source>
        <translation>{age} ago</translation>
    </message>
    <message>
        <source>一天内无定位</source>
        <translation>No fix for a day</translation>
    </message>
    <message>
        <source>先在列表中选中一个待绑定的终端</source>
        <translation>Select an unbound device in the list first</translation>
    </message>
    <message>
        <source>终端 {key} 已绑定到 {worker}</source>
        <translation>Device {key} bound to {worker}</translation>
    </message>
</context>
<context>
    <name>IntakeLegend</name>
    <message>
        <source>离线（长时间无定位）</source>
        <extracomment>above the map layers, just under the whistle stars (ui/docks/whistle_markers.py) worker ids shown and their kinds (tests, the legend) drawn while the map is live: a replay shows another moment than these alarms</extracomment>
        <translation>Offline (no fix for too long)</translation>
    </message>
    <message>
        <source>出格（不在本网格）</source>
        <translation>Out of grid (outside own grid)</translation>
    </message>
    <message>
        <source>全区在岗 {on} 人，{s} 秒内有定位 {located} 人（{share}）</source>
        <translation>District: {on} on duty, {located} located in the last {s} s ({share})</translation>
    </message>
    <message>
        <source>在岗告警</source>
        <translation>On-duty alarms</translation>
    </message>
</context>
<context>
    <name>IntakePanels</name>
    <message>
        <source>终端状态</source>
        <translation>Devices</translation>
    </message>
</context>
</TS>
