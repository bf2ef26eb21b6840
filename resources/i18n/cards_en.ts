<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CaseCard</name>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>诉求类型</source>
        <translation>Request type</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>责任部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>上报时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>处置时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>环节</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>办理方</source>
        <translation>By</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>案件 {code}</source>
        <translation>Case {code}</translation>
    </message>
    <message>
        <source>{name}（{code}）</source>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <source>{action} → {status}</source>
        <translation>{action} → {status}</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>关闭案件卡片、人员卡片；退出大屏模式；取消测距、测面</source>
        <extracomment>keys that are not actions of the window (handled by the map, the cards, the big screen)</extracomment>
        <translation>Close the case or worker card; leave the big screen; cancel measuring</translation>
    </message>
    <message>
        <source>缩放到全区</source>
        <translation>Zoom to the whole district</translation>
    </message>
    <message>
        <source>值班：地图、吹哨调度、网格查询</source>
        <extracomment>what each workspace is for (its name comes from ui.workspaces)</extracomment>
        <translation>Duty: map, whistle dispatch, grid lookup</translation>
    </message>
    <message>
        <source>调度：案件受理派遣、督办、吹哨</source>
        <translation>Dispatch: accepting and dispatching cases, supervision, whistles</translation>
    </message>
    <message>
        <source>大屏：地图与图例、红黑榜，适合上墙</source>
        <translation>Big screen: map with legend and red/black list, for the video wall</translation>
    </message>
    <message>
        <source>视频：视频墙与摄像头点位</source>
        <translation>Video: video wall and camera sites</translation>
    </message>
    <message>
        <source>单击案件</source>
        <translation>Click a case</translation>
    </message>
    <message>
        <source>打开案件卡片：类别、来源、每个环节及时间</source>
        <translation>Opens the case card: category, source, every step with its time</translation>
    </message>
    <message>
        <source>单击巡查人员</source>
        <translation>Click a patrol worker</translation>
    </message>
    <message>
        <source>打开人员卡片：所属网格、今日巡查（电话已脱敏）</source>
        <translation>Opens the worker card: grid, today&apos;s patrol (phone masked)</translation>
    </message>
    <message>
        <source>单击哨令</source>
        <translation>Click a whistle</translation>
    </message>
    <message>
        <source>在吹哨调度面板中选中该哨令</source>
        <translation>Selects the whistle in the whistle dispatch panel</translation>
    </message>
    <message>
        <source>单击网格</source>
        <translation>Click a grid</translation>
    </message>
    <message>
        <source>选中网格，网格查询面板显示其社区、人员与案件</source>
        <translation>Selects the grid; the grid lookup panel shows its community, staff and cases</translation>
    </message>
    <message>
        <source>滚轮 / 拖动</source>
        <translation>Wheel / drag</translation>
    </message>
    <message>
        <source>缩放 / 平移地图</source>
        <translation>Zoom / pan the map</translation>
    </message>
    <message>
        <source>右键</source>
        <translation>Right-click</translation>
    </message>
    <message>
        <source>地图菜单：在此吹哨、在此登记案件、复制坐标等</source>
        <translation>Map menu: whistle here, register a case here, copy coordinates and more</translation>
    </message>
    <message>
        <source>回放时间轴</source>
        <translation>Replay timeline</translation>
    </message>
    <message>
        <source>单击跳到该时刻，拖动浏览，悬停显示时刻</source>
        <translation>Click to jump to that time, drag to browse, hover to see the time</translation>
    </message>
    <message>
        <source>面板标题栏</source>
        <translation>Panel title bar</translation>
    </message>
    <message>
        <source>拖动调整布局；双击浮动；面板菜单可恢复默认布局</source>
        <translation>Drag to rearrange; double-click to float; the Panels menu restores the default layout</translation>
    </message>
    <message>
        <source>用户手册：安装目录下的 README.md（数据导入、多席位服务器、考核指标口径）</source>
        <extracomment>a trailing &quot;(F10，Esc 返回)&quot; of a tooltip: the key, said again</extracomment>
        <translation>User manual: README.md in the installation directory (data import, multi-seat server, appraisal indicator definitions)</translation>
    </message>
    <message>
        <source>命令行：gridcc --help（演示数据、案件与哨令、账号、审计）</source>
        <translation>Command line: gridcc --help (demo data, cases and whistles, accounts, audit)</translation>
    </message>
    <message>
        <source>账号、权限与服务器问题：请联系本单位系统管理员</source>
        <translation>Accounts, permissions and server problems: contact your system administrator</translation>
    </message>
    <message>
        <source>键盘快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>工作区</source>
        <translation>Workspaces</translation>
    </message>
    <message>
        <source>每个工作区按屏幕大小记住自己的布局；面板菜单中的“恢复默认布局”可还原。</source>
        <translation>Each workspace remembers its own layout per screen size; &quot;Restore default layout&quot; in the Panels menu resets it.</translation>
    </message>
    <message>
        <source>鼠标操作</source>
        <translation>Mouse</translation>
    </message>
    <message>
        <source>更多帮助</source>
        <translation>More help</translation>
    </message>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>快捷键、工作区与鼠标操作 (F1)</source>
        <translation>Shortcuts, workspaces and mouse actions (F1)</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>帮助 — 快捷键与操作</source>
        <translation>Help — shortcuts and actions</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>MapCard</name>
    <message>
        <source>关闭 (Esc)</source>
        <extracomment>margin between a card and the map&apos;s edges (px at scale 1) the operator closed it (close button or Esc)</extracomment>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>MapStatusBar</name>
    <message>
        <source>与服务器断开（自 {time}）</source>
        <extracomment>how often the clock is read (a new second shows within this) how long &quot;已重新连接&quot; stays after the server is back</extracomment>
        <translation>Disconnected from the server (since {time})</translation>
    </message>
    <message>
        <source>北京时间</source>
        <translation>Beijing time</translation>
    </message>
    <message>
        <source>当地时间（{zone}）</source>
        <translation>Local time ({zone})</translation>
    </message>
    <message>
        <source>光标处的经度、纬度（CGCS2000）</source>
        <extracomment>the district&apos;s zone; the operator&apos;s preference may show the clock in another</extracomment>
        <translation>Longitude and latitude under the cursor (CGCS2000)</translation>
    </message>
    <message>
        <source>比例尺 —</source>
        <extracomment>the position without its captions (117.160000°E 39.170000°N; CGCS2000 in the tooltip), on a narrow bar</extracomment>
        <translation>Scale —</translation>
    </message>
    <message>
        <source>比例尺 1:{denominator}</source>
        <extracomment>shown only while the server is gone (a seat on a PostgreSQL server)</extracomment>
        <translation>Scale 1:{denominator}</translation>
    </message>
    <message>
        <source>已重新连接</source>
        <translation>Reconnected</translation>
    </message>
    <message>
        <source>{lon}°E {lat}°N</source>
        <translation>{lon}°E {lat}°N</translation>
    </message>
    <message>
        <source>经度 {lon}°  纬度 {lat}°  (CGCS2000)</source>
        <translation>Lon {lon}°  Lat {lat}°  (CGCS2000)</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <source>轨迹回放</source>
        <extracomment>hours between labelled marks, the first that leaves room for the labels a label needs its own width times this between it and the next hour-label type size at scale 1 (1080p); the app&apos;s scale makes it 26 px on a 4K wall</extracomment>
        <translation>Track replay</translation>
    </message>
    <message>
        <source>回放</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>实时 / 回放当天巡查轨迹 (R)</source>
        <translation>Live / replay today&apos;s patrol tracks (R)</translation>
    </message>
    <message>
        <source>播放</source>
        <translation>Play</translation>
    </message>
    <message>
        <source>回放速度</source>
        <translation>Replay speed</translation>
    </message>
    <message>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <source>按今日巡查覆盖率（已巡道路长度占比）为网格着色</source>
        <translation>Colour grids by today&apos;s patrol coverage (share of road length patrolled)</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>回放 {time}</source>
        <translation>Replay {time}</translation>
    </message>
    <message>
        <source>实时</source>
        <translation>Live</translation>
    </message>
</context>
<context>
    <name>StatusStrip</name>
    <message>
        <source>在岗巡查</source>
        <extracomment>live, the figures are computed again this often (seconds) when nothing changed (Headline field, caption, short caption, colour), in the big screen&apos;s order</extracomment>
        <translation>On patrol</translation>
    </message>
    <message>
        <source>巡查</source>
        <translation>Patrol</translation>
    </message>
    <message>
        <source>今日案件</source>
        <translation>Cases today</translation>
    </message>
    <message>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>未结案件</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <source>未结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>吹哨办理中</source>
        <translation>Whistles in progress</translation>
    </message>
    <message>
        <source>吹哨</source>
        <translation>Whistles</translation>
    </message>
    <message>
        <source>结案率</source>
        <translation>Closure rate</translation>
    </message>
    <message>
        <source>结案</source>
        <translation>Closure</translation>
    </message>
    <message>
        <source>回放</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>指挥中心指标，与大屏一致：在岗巡查、今日案件、未结案件、超期、吹哨办理中，结案率按近12个月（结案数 ÷ 应结案数）</source>
        <translation>Command centre figures, as on the big screen: on patrol, cases today, open cases, overdue, whistles in progress; closure rate over the last 12 months (closed ÷ due to close)</translation>
    </message>
</context>
<context>
    <name>WorkerCard</name>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>所属网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>本次巡查开始</source>
        <translation>On patrol since</translation>
    </message>
    <message>
        <source>今日步行</source>
        <translation>Walked today</translation>
    </message>
    <message>
        <source>最后定位</source>
        <translation>Last fix</translation>
    </message>
    <message>
        <source>查看完整号码</source>
        <translation>Show full number</translation>
    </message>
    <message>
        <source>{km} 公里</source>
        <translation>{km} km</translation>
    </message>
    <message>
        <source>{m} 米</source>
        <translation>{m} m</translation>
    </message>
    <message>
        <source>显示本人完整号码一次，并记入审计日志（谁在何时查看了谁的号码）</source>
        <translation>Show this person&apos;s full number once and record it in the audit log (who viewed whose number, and when)</translation>
    </message>
    <message>
        <source>{name}（{code}）</source>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <source>今日未巡查</source>
        <translation>No patrol today</translation>
    </message>
    <message>
        <source>{distance}（巡查 {hours} 小时）</source>
        <translation>{distance} ({hours} h on patrol)</translation>
    </message>
    <message>
        <source>已记入审计日志</source>
        <translation>Recorded in the audit log</translation>
    </message>
</context>
<context>
    <name>domain</name>
    <message>
        <source>区</source>
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
        <source>建筑物</source>
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
        <source>注记</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>视频点位</source>
        <translation>Cameras</translation>
    </message>
    <message>
        <source>咨询</source>
        <translation>Enquiry</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>民生困难</source>
        <translation>Hardship</translation>
    </message>
    <message>
        <source>环境卫生</source>
        <translation>Sanitation</translation>
    </message>
    <message>
        <source>矛盾纠纷</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>安全隐患</source>
        <translation>Safety hazard</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>已立案</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>已派遣</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>已处置</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>已反馈</source>
        <translation>Fed back</translation>
    </message>
    <message>
        <source>已核查</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>已结案</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>已评价</source>
        <translation>Evaluated</translation>
    </message>
    <message>
        <source>已回退</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>已作废</source>
        <translation>Voided</translation>
    </message>
    <message>
        <source>延期</source>
        <translation>Extended</translation>
    </message>
    <message>
        <source>缓办</source>
        <translation>Deferred</translation>
    </message>
    <message>
        <source>挂账</source>
        <translation>Parked</translation>
    </message>
    <message>
        <source>受理</source>
        <extracomment>a case&apos;s steps (流转环节) as the case card lists them</extracomment>
        <translation>Accept</translation>
    </message>
    <message>
        <source>立案</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>派遣</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <source>处置</source>
        <translation>Handle</translation>
    </message>
    <message>
        <source>反馈</source>
        <translation>Feed back</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Verify</translation>
    </message>
    <message>
        <source>结案</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Evaluate</translation>
    </message>
    <message>
        <source>回退</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>返工</source>
        <translation>Rework</translation>
    </message>
    <message>
        <source>群众反映</source>
        <extracomment>where a case comes from (案件来源, app.domain.sources)</extracomment>
        <translation>Public report</translation>
    </message>
    <message>
        <source>网格巡查</source>
        <translation>Grid patrol</translation>
    </message>
    <message>
        <source>12345热线</source>
        <translation>12345 hotline</translation>
    </message>
    <message>
        <source>随手拍</source>
        <translation>Snap-and-report app</translation>
    </message>
    <message>
        <source>上级交办</source>
        <translation>Instruction from above</translation>
    </message>
    <message>
        <source>信访督办</source>
        <translation>Petition</translation>
    </message>
    <message>
        <source>物联感知</source>
        <translation>Sensor</translation>
    </message>
    <message>
        <source>网格长</source>
        <extracomment>a grid team member&apos;s role (app.feed: the roster&apos;s ``role``)</extracomment>
        <translation>Grid leader</translation>
    </message>
    <message>
        <source>专职网格员</source>
        <translation>Full-time grid worker</translation>
    </message>
    <message>
        <source>网格民警</source>
        <translation>Grid police officer</translation>
    </message>
    <message>
        <source>环卫</source>
        <translation>Sanitation worker</translation>
    </message>
    <message>
        <source>城管</source>
        <translation>City management officer</translation>
    </message>
    <message>
        <source>职能部门</source>
        <extracomment>who took a case&apos;s step (办理方): the transition&apos;s ``actor_role``</extracomment>
        <translation>Functional department</translation>
    </message>
    <message>
        <source>群众</source>
        <translation>Resident</translation>
    </message>
    <message>
        <source>指挥中心</source>
        <translation>Command centre</translation>
    </message>
    <message>
        <source>我要咨询</source>
        <extracomment>The other terms ``app`` hands over in Chinese, listed here so that the catalogue carries them; shown through :func:`domain_text` (e.g. ``domain_text(cm.STATUS_NAMES[s])``). The appraisal&apos;s terms (indicators, measures, grades, drill-down columns, among them 全区, 部门, 督办 and 网格员) are listed once, in ui/appraisal/vocabulary.py. tests/ui/test_texts.py checks that every such term of app/ is in one of the two.</extracomment>
        <translation>Enquiry</translation>
    </message>
    <message>
        <source>我要建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>市容环境</source>
        <translation>City appearance</translation>
    </message>
    <message>
        <source>宣传广告</source>
        <translation>Advertising</translation>
    </message>
    <message>
        <source>施工管理</source>
        <translation>Construction</translation>
    </message>
    <message>
        <source>突发事件</source>
        <translation>Emergencies</translation>
    </message>
    <message>
        <source>街面秩序</source>
        <translation>Street order</translation>
    </message>
    <message>
        <source>公用设施</source>
        <translation>Public facilities</translation>
    </message>
    <message>
        <source>道路交通</source>
        <translation>Roads and traffic</translation>
    </message>
    <message>
        <source>园林绿化</source>
        <translation>Parks and greenery</translation>
    </message>
    <message>
        <source>房屋土地</source>
        <translation>Housing and land</translation>
    </message>
    <message>
        <source>咨询服务</source>
        <translation>Enquiries</translation>
    </message>
    <message>
        <source>意见建议</source>
        <translation>Suggestions</translation>
    </message>
    <message>
        <source>民生服务</source>
        <translation>Livelihood services</translation>
    </message>
    <message>
        <source>暴露垃圾</source>
        <translation>Exposed rubbish</translation>
    </message>
    <message>
        <source>积存垃圾渣土</source>
        <translation>Accumulated rubbish and spoil</translation>
    </message>
    <message>
        <source>道路不洁</source>
        <translation>Dirty road</translation>
    </message>
    <message>
        <source>水域不洁</source>
        <translation>Polluted water</translation>
    </message>
    <message>
        <source>绿地脏乱</source>
        <translation>Littered green space</translation>
    </message>
    <message>
        <source>废弃家具设备</source>
        <translation>Discarded furniture</translation>
    </message>
    <message>
        <source>餐饮油烟</source>
        <translation>Restaurant fumes</translation>
    </message>
    <message>
        <source>垃圾满溢</source>
        <translation>Overflowing bins</translation>
    </message>
    <message>
        <source>公厕不洁</source>
        <translation>Dirty public toilet</translation>
    </message>
    <message>
        <source>楼道堆物</source>
        <translation>Stairwell clutter</translation>
    </message>
    <message>
        <source>非法小广告</source>
        <translation>Illegal flyers</translation>
    </message>
    <message>
        <source>违规户外广告</source>
        <translation>Illegal outdoor advertising</translation>
    </message>
    <message>
        <source>占道广告牌</source>
        <translation>Sign blocking the way</translation>
    </message>
    <message>
        <source>破损招牌</source>
        <translation>Damaged shop sign</translation>
    </message>
    <message>
        <source>施工扰民</source>
        <translation>Construction nuisance</translation>
    </message>
    <message>
        <source>工地扬尘</source>
        <translation>Construction dust</translation>
    </message>
    <message>
        <source>施工废弃料</source>
        <translation>Construction waste</translation>
    </message>
    <message>
        <source>无证掘路</source>
        <translation>Unlicensed road digging</translation>
    </message>
    <message>
        <source>施工围挡破损</source>
        <translation>Damaged site hoarding</translation>
    </message>
    <message>
        <source>路面塌陷</source>
        <translation>Road collapse</translation>
    </message>
    <message>
        <source>自来水管破裂</source>
        <translation>Burst water main</translation>
    </message>
    <message>
        <source>燃气泄漏</source>
        <translation>Gas leak</translation>
    </message>
    <message>
        <source>道路积水</source>
        <translation>Road flooding</translation>
    </message>
    <message>
        <source>大树倒伏</source>
        <translation>Fallen tree</translation>
    </message>
    <message>
        <source>供电线路故障</source>
        <translation>Power line fault</translation>
    </message>
    <message>
        <source>无照经营游商</source>
        <translation>Unlicensed street vendor</translation>
    </message>
    <message>
        <source>店外经营</source>
        <translation>Trading outside shop</translation>
    </message>
    <message>
        <source>占道废品收购</source>
        <translation>Scrap dealer on the road</translation>
    </message>
    <message>
        <source>露天烧烤</source>
        <translation>Open-air barbecue</translation>
    </message>
    <message>
        <source>机动车乱停放</source>
        <translation>Illegal parking</translation>
    </message>
    <message>
        <source>共享单车乱停放</source>
        <translation>Misparked shared bikes</translation>
    </message>
    <message>
        <source>私搭乱建</source>
        <translation>Unauthorised structure</translation>
    </message>
    <message>
        <source>井盖破损缺失</source>
        <translation>Damaged or missing manhole cover</translation>
    </message>
    <message>
        <source>路灯损坏</source>
        <translation>Broken street light</translation>
    </message>
    <message>
        <source>消防栓损坏</source>
        <translation>Damaged fire hydrant</translation>
    </message>
    <message>
        <source>通信线缆脱落</source>
        <translation>Fallen telecom cable</translation>
    </message>
    <message>
        <source>供热管道漏水</source>
        <translation>Leaking heating pipe</translation>
    </message>
    <message>
        <source>雨水口堵塞</source>
        <translation>Blocked drain</translation>
    </message>
    <message>
        <source>道路破损</source>
        <translation>Damaged road</translation>
    </message>
    <message>
        <source>交通信号灯故障</source>
        <translation>Traffic light fault</translation>
    </message>
    <message>
        <source>交通护栏损坏</source>
        <translation>Damaged traffic barrier</translation>
    </message>
    <message>
        <source>公交站亭损坏</source>
        <translation>Damaged bus shelter</translation>
    </message>
    <message>
        <source>绿地黄土裸露</source>
        <translation>Bare soil in green space</translation>
    </message>
    <message>
        <source>树木枯死缺株</source>
        <translation>Dead or missing trees</translation>
    </message>
    <message>
        <source>树枝遮挡影响通行</source>
        <translation>Branches blocking the way</translation>
    </message>
    <message>
        <source>绿地毁损侵占</source>
        <translation>Damaged or occupied green space</translation>
    </message>
    <message>
        <source>违法建设</source>
        <translation>Illegal construction</translation>
    </message>
    <message>
        <source>房屋漏雨渗水</source>
        <translation>Leaking roof</translation>
    </message>
    <message>
        <source>老旧楼房外墙脱落</source>
        <translation>Falling facade of old building</translation>
    </message>
    <message>
        <source>电梯故障</source>
        <translation>Lift fault</translation>
    </message>
    <message>
        <source>楼道照明损坏</source>
        <translation>Broken stairwell lighting</translation>
    </message>
    <message>
        <source>社保医保政策咨询</source>
        <translation>Social and medical insurance enquiry</translation>
    </message>
    <message>
        <source>户籍证件办理咨询</source>
        <translation>Household registration enquiry</translation>
    </message>
    <message>
        <source>政务办事指南咨询</source>
        <translation>Government services enquiry</translation>
    </message>
    <message>
        <source>入学入托咨询</source>
        <translation>School and nursery enquiry</translation>
    </message>
    <message>
        <source>住房保障政策咨询</source>
        <translation>Housing support enquiry</translation>
    </message>
    <message>
        <source>养老服务政策咨询</source>
        <translation>Elderly care enquiry</translation>
    </message>
    <message>
        <source>城市管理建议</source>
        <translation>City management suggestion</translation>
    </message>
    <message>
        <source>社区服务建议</source>
        <translation>Community services suggestion</translation>
    </message>
    <message>
        <source>交通出行建议</source>
        <translation>Transport suggestion</translation>
    </message>
    <message>
        <source>环境绿化建议</source>
        <translation>Environment and greenery suggestion</translation>
    </message>
    <message>
        <source>便民设施建议</source>
        <translation>Local amenities suggestion</translation>
    </message>
    <message>
        <source>困难群众救助</source>
        <translation>Assistance for people in need</translation>
    </message>
    <message>
        <source>孤寡老人照料</source>
        <translation>Care for elderly living alone</translation>
    </message>
    <message>
        <source>残疾人帮扶</source>
        <translation>Support for disabled people</translation>
    </message>
    <message>
        <source>就业帮扶</source>
        <translation>Employment support</translation>
    </message>
    <message>
        <source>供暖不热</source>
        <translation>Insufficient heating</translation>
    </message>
    <message>
        <source>停水停电</source>
        <translation>Water or power cut</translation>
    </message>
    <message>
        <source>老旧小区改造诉求</source>
        <translation>Old estate renovation request</translation>
    </message>
    <message>
        <source>邻里纠纷</source>
        <translation>Neighbour dispute</translation>
    </message>
    <message>
        <source>家庭婚姻纠纷</source>
        <translation>Family or marital dispute</translation>
    </message>
    <message>
        <source>物业纠纷</source>
        <translation>Property management dispute</translation>
    </message>
    <message>
        <source>劳资纠纷</source>
        <translation>Labour dispute</translation>
    </message>
    <message>
        <source>噪声扰民</source>
        <translation>Noise nuisance</translation>
    </message>
    <message>
        <source>消防通道堵塞</source>
        <translation>Blocked fire lane</translation>
    </message>
    <message>
        <source>电动车楼道充电</source>
        <translation>E-bike charging in stairwell</translation>
    </message>
    <message>
        <source>飞线充电</source>
        <translation>Hazardous charging cable</translation>
    </message>
    <message>
        <source>燃气使用隐患</source>
        <translation>Gas use hazard</translation>
    </message>
    <message>
        <source>高空坠物隐患</source>
        <translation>Falling object hazard</translation>
    </message>
    <message>
        <source>食品安全隐患</source>
        <translation>Food safety hazard</translation>
    </message>
    <message>
        <source>安全生产隐患</source>
        <translation>Workplace safety hazard</translation>
    </message>
    <message>
        <source>治安隐患</source>
        <translation>Public security hazard</translation>
    </message>
    <message>
        <source>延期中</source>
        <translation>Extended</translation>
    </message>
    <message>
        <source>缓办中</source>
        <translation>Deferred</translation>
    </message>
    <message>
        <source>已挂账</source>
        <translation>Parked</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>已吹哨</source>
        <translation>Whistle blown</translation>
    </message>
    <message>
        <source>报到中</source>
        <translation>Reporting in</translation>
    </message>
    <message>
        <source>处置中</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>已办结</source>
        <translation>Completed</translation>
    </message>
    <message>
        <source>吹哨</source>
        <translation>Whistle</translation>
    </message>
    <message>
        <source>报到</source>
        <translation>Report in</translation>
    </message>
    <message>
        <source>核查不通过</source>
        <translation>Verification failed</translation>
    </message>
    <message>
        <source>二次哨</source>
        <translation>Second whistle</translation>
    </message>
    <message>
        <source>问责</source>
        <translation>Accountability</translation>
    </message>
    <message>
        <source>办结</source>
        <translation>Complete</translation>
    </message>
    <message>
        <source>尚未报到</source>
        <translation>Not reported in</translation>
    </message>
    <message>
        <source>已报到、尚未反馈</source>
        <translation>Reported in, no feedback yet</translation>
    </message>
    <message>
        <source>已反馈、待核查</source>
        <translation>Fed back, awaiting verification</translation>
    </message>
    <message>
        <source>已核查、待评价</source>
        <translation>Verified, awaiting rating</translation>
    </message>
    <message>
        <source>已报到</source>
        <translation>Reported in</translation>
    </message>
    <message>
        <source>指挥中心值班员</source>
        <translation>Command centre operator</translation>
    </message>
    <message>
        <source>派遣员</source>
        <translation>Dispatcher</translation>
    </message>
    <message>
        <source>街道党工委书记</source>
        <translation>Street party secretary</translation>
    </message>
    <message>
        <source>街道办事处主任</source>
        <translation>Street office director</translation>
    </message>
    <message>
        <source>社区工作人员</source>
        <translation>Community staff</translation>
    </message>
    <message>
        <source>部门承办人</source>
        <translation>Department handler</translation>
    </message>
    <message>
        <source>区委督查室</source>
        <translation>Supervision office</translation>
    </message>
    <message>
        <source>区领导</source>
        <translation>District leader</translation>
    </message>
    <message>
        <source>审计员</source>
        <translation>Auditor</translation>
    </message>
    <message>
        <source>系统管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>大屏只读账号</source>
        <translation>Wall read-only account</translation>
    </message>
</context>
</TS>
