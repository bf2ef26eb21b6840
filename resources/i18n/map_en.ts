<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>DeferredStartup</name>
    <message>
        <source>正在加载建筑物、案件…</source>
        <extracomment>start loading even if no paint happened by then (a window that is never shown) a short status text for the status bar (&quot;&quot; when done) the data arrived and every panel is built the error that kept the layers from loading (shown in the status bar) seconds from start() to data applied / everything done (for logs and the bench)</extracomment>
        <translation>Loading buildings and cases…</translation>
    </message>
    <message>
        <source>正在显示建筑物、案件…</source>
        <translation>Showing buildings and cases…</translation>
    </message>
    <message>
        <source>正在打开面板…</source>
        <translation>Opening panels…</translation>
    </message>
    <message>
        <source>建筑物、案件未能加载：{reason}</source>
        <translation>Buildings and cases could not be loaded: {reason}</translation>
    </message>
</context>
<context>
    <name>MapContextMenu</name>
    <message>
        <source>复制坐标 {coords}</source>
        <extracomment>cameras this close (metres) are offered under 附近摄像头 at most this many of them, nearest first the menu shown last (tests read its actions)</extracomment>
        <translation>Copy coordinates {coords}</translation>
    </message>
    <message>
        <source>查询此处</source>
        <translation>Identify here</translation>
    </message>
    <message>
        <source>已复制坐标 {coords}（CGCS2000）</source>
        <translation>Coordinates copied: {coords} (CGCS2000)</translation>
    </message>
    <message>
        <source>附近摄像头</source>
        <translation>Nearby cameras</translation>
    </message>
    <message>
        <source>视频墙不可用</source>
        <translation>Video wall not available</translation>
    </message>
    <message>
        <source>{radius} 米内没有摄像头</source>
        <translation>No camera within {radius} m</translation>
    </message>
    <message>
        <source>{code} {name} · {distance} 米</source>
        <translation>{code} {name} · {distance} m</translation>
    </message>
    <message>
        <source>（离线）</source>
        <translation> (offline)</translation>
    </message>
</context>
<context>
    <name>MapSearch</name>
    <message>
        <source>区</source>
        <extracomment>kind -&gt; its name in the hit list (translated where shown, context &quot;MapSearch&quot;)</extracomment>
        <translation>District</translation>
    </message>
    <message>
        <source>街道</source>
        <translation>Street</translation>
    </message>
    <message>
        <source>社区</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>建筑</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>商户</source>
        <translation>Merchant</translation>
    </message>
    <message>
        <source>搜索网格、社区、街道、案件编号、人员、摄像头、建筑、商户</source>
        <extracomment>the view&apos;s width (metres) when zooming to a point of this kind how long a ring stays around a camera, building or merchant typing pauses this long before the query runs (a query is a few ms; typing is faster) a hit was chosen (after the map zoomed there)</extracomment>
        <translation>Search grids, communities, streets, case codes, staff, cameras, buildings, merchants</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>搜索网格、案件、人员、摄像头… (Ctrl+F)</source>
        <translation>Search grids, cases, staff, cameras… (Ctrl+F)</translation>
    </message>
    <message>
        <source>正在建立搜索索引…</source>
        <translation>Building the search index…</translation>
    </message>
    <message>
        <source>搜索索引未能建立：{reason}</source>
        <translation>Search index could not be built: {reason}</translation>
    </message>
    <message>
        <source>没有找到“{text}”</source>
        <translation>Nothing found for “{text}”</translation>
    </message>
</context>
<context>
    <name>MapStyleControls</name>
    <message>
        <source>二维 / 2.5维半立体切换 (D)</source>
        <translation>Switch 2D / 2.5D (D)</translation>
    </message>
    <message>
        <source>视角</source>
        <translation>View angle</translation>
    </message>
    <message>
        <source>高度夸张</source>
        <translation>Height exaggeration</translation>
    </message>
</context>
<context>
    <name>MeasureActions</name>
    <message>
        <source>测距</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>测量距离：单击加点，双击或回车结束，Esc 取消</source>
        <translation>Measure distance: click to add points, double-click or Enter to finish, Esc to cancel</translation>
    </message>
    <message>
        <source>测面</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>测量面积：单击加点，双击或回车结束，Esc 取消</source>
        <translation>Measure area: click to add points, double-click or Enter to finish, Esc to cancel</translation>
    </message>
</context>
<context>
    <name>MeasureTool</name>
    <message>
        <source>总长 {length}</source>
        <extracomment>z of the measurement: above the selection highlight the measurement&apos;s colour: apart from the selection&apos;s yellow and the boundaries&apos; cyans the read-out&apos;s distance from the cursor (px at scale 1) a measurement was finished (the :class:`Measurement`) measuring was left (Esc with nothing drawn, the action unchecked, another tool)</extracomment>
        <translation>Total {length}</translation>
    </message>
    <message>
        <source>本段 {length}</source>
        <translation>Segment {length}</translation>
    </message>
    <message>
        <source>面积 {area}</source>
        <translation>Area {area}</translation>
    </message>
    <message>
        <source>周长 {length}</source>
        <translation>Perimeter {length}</translation>
    </message>
    <message>
        <source>单击开始新的测量 · Esc 退出</source>
        <translation>Click to start a new measurement · Esc to exit</translation>
    </message>
    <message>
        <source>单击地图放置第一个点 · Esc 退出</source>
        <translation>Click the map to place the first point · Esc to exit</translation>
    </message>
    <message>
        <source>双击或回车结束 · 退格撤销 · Esc 取消</source>
        <translation>Double-click or Enter to finish · Backspace to undo · Esc to cancel</translation>
    </message>
</context>
<context>
    <name>PatrolController</name>
    <message>
        <source>轨迹写入失败，{pending} 条待重试</source>
        <translation>Track write failed, {pending} fixes waiting to retry</translation>
    </message>
    <message>
        <source>轨迹写入已恢复</source>
        <translation>Track writing restored</translation>
    </message>
    <message>
        <source>（积压超过上限，最早的 {lost} 条已放弃）</source>
        <translation> (backlog over the limit, the oldest {lost} fixes dropped)</translation>
    </message>
</context>
</TS>
