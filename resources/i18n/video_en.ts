<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CameraListPanel</name>
    <message>
        <source>名称 / 编号 / 网格 / 部门</source>
        <translation>Name / code / grid / department</translation>
    </message>
    <message>
        <source>全部部门</source>
        <translation>All departments</translation>
    </message>
    <message>
        <source>最近 </source>
        <translation>Nearest </translation>
    </message>
    <message>
        <source> 米</source>
        <translation> m</translation>
    </message>
    <message>
        <source>附近摄像头</source>
        <translation>Nearby cameras</translation>
    </message>
    <message>
        <source>地图上选中网格周边的摄像头，在视频墙打开</source>
        <translation>Open the cameras around the grid selected on the map on the video wall</translation>
    </message>
    <message>
        <source>地图显示</source>
        <translation>On map</translation>
    </message>
    <message>
        <source>在地图上显示摄像头 (按部门筛选；点击地图上的摄像头在视频墙打开)</source>
        <translation>Show the cameras on the map (filtered by department; click a camera on the map to open it on the video wall)</translation>
    </message>
    <message>
        <source>加载中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source> [离线]</source>
        <translation> [offline]</translation>
    </message>
    <message>
        <source>{count} 个摄像头 (共 {total})</source>
        <translation>{count} cameras (of {total})</translation>
    </message>
    <message>
        <source>请先在地图上选中一个案件或网格</source>
        <translation>Select a case or a grid on the map first</translation>
    </message>
    <message>
        <source>{place} 周边 {metres} 米内没有摄像头</source>
        <translation>{place}: no camera within {metres} m</translation>
    </message>
    <message>
        <source>{place} 周边 {count} 个摄像头 (最远 {metres} 米)</source>
        <translation>{place}: {count} cameras nearby (farthest {metres} m)</translation>
    </message>
</context>
<context>
    <name>UrgentCaseMonitor</name>
    <message>
        <source>紧急案件 {category} {code}</source>
        <extracomment>an urgent case came in: the case and the tile it took (None: nothing shown)</extracomment>
        <translation>Urgent case {category} {code}</translation>
    </message>
    <message>
        <source>{case}: 周边 {metres} 米内没有在线摄像头</source>
        <translation>{case}: no online camera within {metres} m</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>连接中</source>
        <translation>Connecting</translation>
    </message>
    <message>
        <source>实时</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>卡顿</source>
        <translation>Stalled</translation>
    </message>
    <message>
        <source>断开</source>
        <translation>Lost</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>窗格不可见</source>
        <extracomment>play the camera&apos;s sub-stream (辅码流) if it has one: the wall asks for it in the small tiles of dense layouts, where the main stream&apos;s pixels are wasted the time in the caption (the wall gives its own; never the machine&apos;s UTC)</extracomment>
        <translation>tile hidden</translation>
    </message>
    <message>
        <source>第{n}次</source>
        <translation>attempt {n}</translation>
    </message>
    <message>
        <source>视频流结束</source>
        <translation>stream ended</translation>
    </message>
    <message>
        <source>无效的视频流</source>
        <translation>invalid stream</translation>
    </message>
    <message>
        <source>连接超时</source>
        <translation>connection timed out</translation>
    </message>
    <message>
        <source>{seconds} 秒无画面</source>
        <translation>no picture for {seconds} s</translation>
    </message>
    <message>
        <source>{seconds} 秒无新画面</source>
        <translation>no new picture for {seconds} s</translation>
    </message>
    <message>
        <source>{reason}，{seconds} 秒后重连</source>
        <translation>{reason}, reconnecting in {seconds} s</translation>
    </message>
    <message>
        <source> · 辅码流</source>
        <translation> · sub-stream</translation>
    </message>
    <message>
        <source>{n} 拖入摄像头</source>
        <translation>{n} Drop a camera here</translation>
    </message>
</context>
<context>
    <name>VideoWall</name>
    <message>
        <source>摄像头读取失败: {reason}</source>
        <translation>Cameras could not be read: {reason}</translation>
    </message>
    <message>
        <source>案件 {code}</source>
        <translation>Case {code}</translation>
    </message>
    <message>
        <source>{layout} 画面</source>
        <extracomment>the preferences (app.preferences) this wall follows and remembers when each tile was last touched by the operator or taken by an alarm (clock s)</extracomment>
        <translation>{layout} tiles</translation>
    </message>
    <message>
        <source>轮巡</source>
        <translation>Tour</translation>
    </message>
    <message>
        <source>按间隔轮流显示当前摄像头列表 (操作时暂停)</source>
        <translation>Cycle through the listed cameras at an interval (pauses while you work)</translation>
    </message>
    <message>
        <source> 秒</source>
        <translation> s</translation>
    </message>
    <message>
        <source>预案</source>
        <translation>Preset</translation>
    </message>
    <message>
        <source>保存预案</source>
        <translation>Save preset</translation>
    </message>
    <message>
        <source>加载中…</source>
        <extracomment>the cameras are read off the GUI thread (see plugins.video_wall); until then the registry is empty and the status says so</extracomment>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>新的紧急案件自动占用一个画面显示最近的摄像头 (红框标出，轮巡暂停)</source>
        <translation>A new urgent case takes over a tile with its nearest camera (framed in red, tour paused)</translation>
    </message>
    <message>
        <source>紧急案件自动接管画面</source>
        <translation>Urgent cases take over a tile</translation>
    </message>
    <message>
        <source>最久未操作的画面</source>
        <translation>Tile untouched longest</translation>
    </message>
    <message>
        <source>画面 {n}</source>
        <translation>Tile {n}</translation>
    </message>
    <message>
        <source>告警接管</source>
        <translation>Alarm take-over</translation>
    </message>
    <message>
        <source>告警接管 (关)</source>
        <translation>Alarm take-over (off)</translation>
    </message>
    <message>
        <source>告警</source>
        <extracomment>set by the camera list: which cameras the tour button tours</extracomment>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>无法保存截图: {reason}</source>
        <translation>Snapshot not saved: {reason}</translation>
    </message>
    <message>
        <source>没有可保存的画面</source>
        <translation>No picture to save</translation>
    </message>
    <message>
        <source>截图已保存 {path}</source>
        <translation>Snapshot saved: {path}</translation>
    </message>
    <message>
        <source>截图取证</source>
        <translation>Snapshot as evidence</translation>
    </message>
    <message>
        <source>还原</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>全屏</source>
        <translation>Full size</translation>
    </message>
    <message>
        <source>关闭画面</source>
        <translation>Close tile</translation>
    </message>
    <message>
        <source>未知摄像头 {code}</source>
        <translation>Unknown camera {code}</translation>
    </message>
    <message>
        <source>已确认 {alarm}</source>
        <translation>Acknowledged: {alarm}</translation>
    </message>
    <message>
        <source>操作中</source>
        <translation>operator at work</translation>
    </message>
    <message>
        <source>轮巡暂停 ({reason})</source>
        <translation>Tour paused ({reason})</translation>
    </message>
    <message>
        <source>轮巡 {page}/{pages} · {seconds} 秒后切换</source>
        <translation>Tour {page}/{pages} · next in {seconds} s</translation>
    </message>
    <message>
        <source>预案名称:</source>
        <translation>Preset name:</translation>
    </message>
</context>
<context>
    <name>panels</name>
    <message>
        <source>视频墙</source>
        <extracomment>panels that offer &quot;附近摄像头&quot; for their selected record (signal nearbyCamerasRequested)</extracomment>
        <translation>Video wall</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Cameras</translation>
    </message>
</context>
</TS>
