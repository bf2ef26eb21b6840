<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>BigScreen</name>
    <message>
        <source>在岗巡查</source>
        <extracomment>headline number height as a share of the screen height (≈ 95 px on a 2160-line wall) legend type as a share of the screen height (≈ 32 px on a 2160-line wall), its width as a share of the map&apos;s the scale bar and north arrow grow on the wall by this factor over the UI scale live, the figures are computed again this often (seconds) when nothing changed</extracomment>
        <translation>On patrol</translation>
    </message>
    <message>
        <source>今日案件</source>
        <translation>Cases today</translation>
    </message>
    <message>
        <source>未结案</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>结案率·近12月</source>
        <translation>Closure rate · 12 months</translation>
    </message>
    <message>
        <source>吹哨进行中</source>
        <translation>Whistles in progress</translation>
    </message>
</context>
<context>
    <name>BigScreenMode</name>
    <message>
        <source>{district} 网格化管理指挥中心</source>
        <extracomment>True on entering, False on leaving: plugins add their own overlays (e.g. 红黑榜) canvas pixels plugins&apos; overlays cover, by side (see :meth:`reserve`)</extracomment>
        <translation>{district} Grid Management Command Centre</translation>
    </message>
</context>
<context>
    <name>HeadlineStrip</name>
    <message>
        <source>回放</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>实时</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>{when}  {mode}</source>
        <translation>{when}  {mode}</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>案件编号</source>
        <translation>Case code</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>处置时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>网格长</source>
        <translation>Grid leader</translation>
    </message>
    <message>
        <source>网格员</source>
        <translation>Grid workers</translation>
    </message>
    <message>
        <source>网格力量</source>
        <translation>Other staff</translation>
    </message>
    <message>
        <source>在岗定位</source>
        <translation>Located</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>常住人口</source>
        <translation>Residents</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>未结案件</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <source>点击地图上的网格，查看网格编码、所属街道社区、网格力量和未结案件。</source>
        <translation>Click a grid on the map to see its code, street and community, staff and open cases.</translation>
    </message>
    <message>
        <source>{name}（{level}）</source>
        <translation>{name} ({level})</translation>
    </message>
    <message>
        <source>编码 {code}</source>
        <translation>Code {code}</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{role} {name}</source>
        <translation>{role} {name}</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>{n} 户</source>
        <translation>{n} households</translation>
    </message>
    <message>
        <source>{n} 人</source>
        <translation>{n} residents</translation>
    </message>
    <message>
        <source>{n} 件</source>
        <translation>{n}</translation>
    </message>
    <message>
        <source>（超期 {n} 件）</source>
        <translation> ({n} overdue)</translation>
    </message>
    <message>
        <source>本{level}：{figures}</source>
        <translation>This {level}: {figures}</translation>
    </message>
    <message>
        <source>{unit}：{figures}</source>
        <translation>{unit}: {figures}</translation>
    </message>
    <message>
        <source>此时无人在岗</source>
        <translation>Nobody on duty now</translation>
    </message>
    <message>
        <source>在岗 {on} 人，{s} 秒内有定位 {located} 人（{share}）</source>
        <translation>{on} on duty, {located} located in the last {s} s ({share})</translation>
    </message>
    <message>
        <source>超期 {deadline}</source>
        <translation>Overdue {deadline}</translation>
    </message>
    <message>
        <source>{kind} · {category}
上报 {reported}</source>
        <translation>{kind} · {category}
Reported {reported}</translation>
    </message>
    <message>
        <source>{n} 平方公里</source>
        <translation>{n} km²</translation>
    </message>
    <message>
        <source>{n} 平方米</source>
        <translation>{n} m²</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>上移图层（绘制在更上层）</source>
        <translation>Move layer up (drawn above)</translation>
    </message>
    <message>
        <source>下移图层</source>
        <translation>Move layer down</translation>
    </message>
    <message>
        <source>勾选显示图层，拖动或用箭头调整叠放次序</source>
        <translation>Tick to show a layer; drag or use the arrows to change the drawing order</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>建筑物</source>
        <extracomment>symbols besides pyqtgraph&apos;s scatter symbols (&quot;o&quot;, &quot;s&quot;, &quot;d&quot;, &quot;t1&quot;, &quot;h&quot;, &quot;star&quot;, …) the layers&apos; titles (layer list, legend sections); a plugin&apos;s layer shows its id</extracomment>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>网格边界</source>
        <translation>Grid boundaries</translation>
    </message>
    <message>
        <source>社区边界</source>
        <translation>Community boundaries</translation>
    </message>
    <message>
        <source>街道边界</source>
        <translation>Street boundaries</translation>
    </message>
    <message>
        <source>区界</source>
        <translation>District boundary</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>吹哨</source>
        <translation>Whistles</translation>
    </message>
    <message>
        <source>巡查人员</source>
        <translation>Patrol staff</translation>
    </message>
    <message>
        <source>注记</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>视频点位</source>
        <translation>Cameras</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>超期（报到或办结）</source>
        <extracomment>coalesce a burst of changes (zoom steps, a worker&apos;s frames) into one rebuild keys of a section share a row two by two when every text is this short (CJK = 2) per canvas, what draws on it outside the layer stack: key -&gt; describe() (see :func:`add_legend_source`) per canvas, the legends following it (a source&apos;s change reaches them all)</extracomment>
        <translation>Overdue (report-in or completion)</translation>
    </message>
    <message>
        <source>二次哨</source>
        <translation>Second whistle</translation>
    </message>
    <message>
        <source>进行中的吹哨</source>
        <translation>Whistles in progress</translation>
    </message>
    <message>
        <source>没有显示的图层</source>
        <extracomment>the sections were rebuilt (the widget&apos;s size may have changed)</extracomment>
        <translation>No layer shown</translation>
    </message>
    <message>
        <source>≥{lo}%</source>
        <extracomment>(colour alpha, pen width in px) per level; widths scale with the wall scale a soft glow under the district outline patrol coverage classes (share of road length walked today) and their fills</extracomment>
        <translation>≥{lo}%</translation>
    </message>
    <message>
        <source>{lo}–{hi}%</source>
        <translation>{lo}–{hi}%</translation>
    </message>
    <message>
        <source>巡查覆盖率（网格填色）</source>
        <translation>Patrol coverage (grid fill)</translation>
    </message>
    <message>
        <source>今日已巡道路长度占比；红色为覆盖不足</source>
        <translation>Share of road length patrolled today; red is under-covered</translation>
    </message>
    <message>
        <source>低于 {hi} 米</source>
        <extracomment>finer than this (metres per 1080p-equivalent pixel: mpp × UI scale, so that a 4K wall switches at the same view as a workstation) buildings are extruded in 2.5D mode buildings per back-to-front band buildings per flat path (see :func:`flat_chunks`) roof fill per height class (a little lighter than the flat fill: lit from above) wall colour, darkest shade first (facing away from the north-west light)</extracomment>
        <translation>Under {hi} m</translation>
    </message>
    <message>
        <source>{lo} 米及以上</source>
        <translation>{lo} m and over</translation>
    </message>
    <message>
        <source>{lo}–{hi} 米</source>
        <translation>{lo}–{hi} m</translation>
    </message>
    <message>
        <source>2.5D 立体：屋顶颜色按楼高</source>
        <translation>2.5D: roof colour by height</translation>
    </message>
    <message>
        <source>平面：填色按楼高</source>
        <translation>Flat: fill by height</translation>
    </message>
    <message>
        <source>建筑物（按高度）</source>
        <translation>Buildings (by height)</translation>
    </message>
    <message>
        <source>{name}（{code}）</source>
        <extracomment>(symbol, colour) per owner: 公安 police, 教育 education, 卫健 health, 应急 emergency, 民政 civil owner code -&gt; short name (data, shown as it is) finer than this (metres per pixel) the view directions are drawn</extracomment>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <source>离线（空心）</source>
        <translation>Offline (hollow)</translation>
    </message>
    <message>
        <source>视频点位（按权属部门）</source>
        <translation>Cameras (by owner department)</translation>
    </message>
    <message>
        <source>今日</source>
        <extracomment>the case time windows as the legend names them</extracomment>
        <translation>today</translation>
    </message>
    <message>
        <source>近7天</source>
        <translation>last 7 days</translation>
    </message>
    <message>
        <source>近30天</source>
        <translation>last 30 days</translation>
    </message>
    <message>
        <source>全年</source>
        <translation>year</translation>
    </message>
    <message>
        <source>{window}·回放</source>
        <translation>{window} · replay</translation>
    </message>
    <message>
        <source>案件密度（{window}）</source>
        <translation>Case density ({window})</translation>
    </message>
    <message>
        <source>{n} 件</source>
        <translation>{n} cases</translation>
    </message>
    <message>
        <source>{lo}–{hi} 件</source>
        <translation>{lo}–{hi} cases</translation>
    </message>
    <message>
        <source>六边形颜色＝格内案件数（不是覆盖率），每格宽约 {width}，随缩放变化</source>
        <translation>Hexagon colour = cases in the cell (not coverage); each cell about {width} across, changing with zoom</translation>
    </message>
    <message>
        <source>案件（{window}）</source>
        <translation>Cases ({window})</translation>
    </message>
    <message>
        <source>未结案：亮色点</source>
        <translation>Open: bright dot</translation>
    </message>
    <message>
        <source>已结案：淡色小点</source>
        <translation>Closed: faint small dot</translation>
    </message>
    <message>
        <source>此范围内没有案件</source>
        <translation>No cases in this view</translation>
    </message>
    <message>
        <source>超期未结（红圈闪烁）</source>
        <translation>Overdue (blinking red ring)</translation>
    </message>
    <message>
        <source>刚上报问题的位置</source>
        <extracomment>(symbol, colour) per role: shape and colour both differ (colour-blind operators) trail age bands (fraction of the trail length) and their opacity, newest first workers per trail path drawn in the worker thread coarser than this (metres per pixel) workers are small dots without outline, so that thousands of them read as coverage rather than a blizzard overview dots stroked per drawPath call (each call holds the GIL, see _TrailPainter) a tick&apos;s markers wait at most this long for the trail image of the same snapshot (lo, hi) seconds of the trail bands in the current painter, and its vertices (roles drawn, reports drawn): the legend is told when this changes</extracomment>
        <translation>Problem just reported</translation>
    </message>
    <message>
        <source>青色尾迹：近 {minutes} 分钟走过的路线，越新越亮</source>
        <translation>Cyan trails: routes walked in the last {minutes} min, newest brightest</translation>
    </message>
    <message>
        <source>此刻没有在岗人员的位置</source>
        <translation>No staff positions at this moment</translation>
    </message>
    <message>
        <source>巡查人员（按角色）</source>
        <translation>Patrol staff (by role)</translation>
    </message>
    <message>
        <source>进行中</source>
        <extracomment>live whistles in progress are drawn by the whistle panel&apos;s markers (coloured by overdue and second whistle): this layer then draws them only in a replay</extracomment>
        <translation>In progress</translation>
    </message>
    <message>
        <source>二次哨（红圈）</source>
        <translation>Second whistle (red ring)</translation>
    </message>
    <message>
        <source>近30天已办结</source>
        <translation>Closed in the last 30 days</translation>
    </message>
    <message>
        <source>此刻没有进行中或近30天办结的吹哨</source>
        <translation>No whistle in progress or closed in the last 30 days</translation>
    </message>
    <message>
        <source>街道吹哨</source>
        <translation>Street whistles</translation>
    </message>
</context>
<context>
    <name>LegendBoard</name>
    <message>
        <source>图例</source>
        <translation>Legend</translation>
    </message>
</context>
<context>
    <name>MapPanels</name>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>图例</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>网格查询</source>
        <translation>Grid info</translation>
    </message>
</context>
<context>
    <name>NorthArrow</name>
    <message>
        <source>北</source>
        <extracomment>where north is on screen, degrees clockwise from up</extracomment>
        <translation>N</translation>
    </message>
</context>
<context>
    <name>ScaleBar</name>
    <message>
        <source>{n} 公里</source>
        <extracomment>segments of the bar (alternating light and dark)</extracomment>
        <translation>{n} km</translation>
    </message>
    <message>
        <source>{n} 米</source>
        <translation>{n} m</translation>
    </message>
</context>
</TS>
