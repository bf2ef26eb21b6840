<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CasePanel</name>
    <message>
        <source>全部状态</source>
        <extracomment>step buttons per row under the case&apos;s details &quot;附近摄像头&quot; for the selected case: lon, lat, label (the video wall plugin listens) set by the plugin that listens to nearbyCamerasRequested (no wall, no button)</extracomment>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>全部街道</source>
        <translation>All streets</translation>
    </message>
    <message>
        <source>类别代码 如 01</source>
        <translation>Category code, e.g. 01</translation>
    </message>
    <message>
        <source>全部部门</source>
        <translation>All departments</translation>
    </message>
    <message>
        <source>仅超期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
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
        <source>加载中…</source>
        <extracomment>how the list is read again (a filter changed): on the worker as the window&apos;s dock</extracomment>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>案件列表读取失败：{reason}</source>
        <translation>Could not read the case list: {reason}</translation>
    </message>
    <message>
        <source>选择一件案件查看并办理</source>
        <translation>Select a case to view and handle it</translation>
    </message>
    <message>
        <source>未派遣</source>
        <translation>Not dispatched</translation>
    </message>
    <message>
        <source>附近摄像头</source>
        <translation>Nearby cameras</translation>
    </message>
    <message>
        <source>吹哨</source>
        <translation>Whistle</translation>
    </message>
    <message>
        <source>案件 {code}</source>
        <translation>Case {code}</translation>
    </message>
    <message>
        <source>原因：</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>审批</source>
        <translation>Approval</translation>
    </message>
    <message>
        <source>审批人账号（留空：本人审批）：</source>
        <translation>Approver&apos;s account (empty: approve yourself):</translation>
    </message>
    <message>
        <source>审批人 {account} 的密码：</source>
        <translation>Password of approver {account}:</translation>
    </message>
    <message>
        <source>延期</source>
        <translation>Extend</translation>
    </message>
    <message>
        <source>延长工作小时：</source>
        <translation>Extend by working hours:</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>满意度（1-5）：</source>
        <translation>Satisfaction (1-5):</translation>
    </message>
</context>
<context>
    <name>DockTitleBar</name>
    <message>
        <source>浮动/停靠</source>
        <translation>Float/dock</translation>
    </message>
    <message>
        <source>关闭面板</source>
        <translation>Close panel</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>今日</source>
        <extracomment>the interpreter&apos;s thread switch interval while a main window is open (seconds) a click this close (screen px) to a case opens its card</extracomment>
        <translation>Today</translation>
    </message>
    <message>
        <source>近7天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>近30天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>全年</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>{district} 网格化管理指挥中心 — GridCC</source>
        <extracomment>panels whose actions write: disabled (the reason as tooltip) while the server is gone a whistle picked on the map (its id); the whistle panel selects it (plugin wiring) the server went away or came back (online, the status text while it is gone) a seat on a server hears the others through one listener (per window, never per panel): positioned before anything is read (nothing committed meanwhile is missed), started once the window is built; the district model follows its changes on store.changes the district&apos;s time: every panel and view reads it (app.clock)</extracomment>
        <translation>{district} Grid Management Command Centre — GridCC</translation>
    </message>
    <message>
        <source>全区</source>
        <translation>District</translation>
    </message>
    <message>
        <source>缩放到全区 (Home)</source>
        <translation>Zoom to the whole district (Home)</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>全屏</source>
        <translation>Full screen</translation>
    </message>
    <message>
        <source>大屏</source>
        <translation>Wall</translation>
    </message>
    <message>
        <source>大屏模式：全屏地图与指标 (F10，Esc 返回)</source>
        <translation>Wall mode: full-screen map and figures (F10, Esc to return)</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>导入辖区数据…</source>
        <translation>Import district data…</translation>
    </message>
    <message>
        <source>从 Shapefile、GeoPackage、GeoJSON、CSV 或 Excel 导入网格边界、建筑、摄像头、人员</source>
        <translation>Import grid boundaries, buildings, cameras and staff from Shapefile, GeoPackage, GeoJSON, CSV or Excel</translation>
    </message>
    <message>
        <source>加载中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>显示/隐藏 {panel}</source>
        <translation>Show/hide {panel}</translation>
    </message>
    <message>
        <source>{reason}，暂不能操作</source>
        <translation>{reason}; not available for now</translation>
    </message>
    <message>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <source>{district} · 网格化管理指挥中心</source>
        <translation>{district} · Grid Command Centre</translation>
    </message>
    <message>
        <source>案件时间范围</source>
        <translation>Case period</translation>
    </message>
    <message>
        <source>未能读取：{reason}</source>
        <translation>Could not read: {reason}</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>在此登记案件</source>
        <translation>New case here</translation>
    </message>
    <message>
        <source>{kind} · {name}（{code}）</source>
        <translation>{kind} · {name} ({code})</translation>
    </message>
    <message>
        <source>问题描述：如 人行道井盖缺失</source>
        <translation>Problem, e.g. manhole cover missing on the pavement</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>描述</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>受理</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请先登录</source>
        <translation>Sign in first</translation>
    </message>
</context>
<context>
    <name>PanelsMenu</name>
    <message>
        <source>工作区：{name} (Ctrl+{n})</source>
        <translation>Workspace: {name} (Ctrl+{n})</translation>
    </message>
    <message>
        <source>面板</source>
        <translation>Panels</translation>
    </message>
    <message>
        <source>恢复默认布局</source>
        <translation>Restore default layout</translation>
    </message>
    <message>
        <source>当前工作区的面板回到默认位置和大小</source>
        <translation>Return the panels of this workspace to their default places and sizes</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>面板、工作区与布局</source>
        <translation>Panels, workspaces and layout</translation>
    </message>
</context>
<context>
    <name>SupervisionPanel</name>
    <message>
        <source>报到超时</source>
        <translation>report-in overdue</translation>
    </message>
    <message>
        <source>办结超时</source>
        <translation>completion overdue</translation>
    </message>
    <message>
        <source>哨令</source>
        <translation>Whistle</translation>
    </message>
    <message>
        <source>超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>超时部门</source>
        <translation>Overdue departments</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <source>问责</source>
        <translation>Accountability</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>已督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <source>待督办</source>
        <translation>To supervise</translation>
    </message>
    <message>
        <source> · 问责</source>
        <translation> · Accountability</translation>
    </message>
    <message>
        <source> · 二次哨</source>
        <translation> · Second whistle</translation>
    </message>
    <message>
        <source>{hours} 工时</source>
        <translation>{hours} work h</translation>
    </message>
    <message>
        <source>超时未办结 {n} 件，其中待督办 {new} 件</source>
        <translation>{n} overdue and open, {new} of them to supervise</translation>
    </message>
    <message>
        <source>请先选择一条超时哨令</source>
        <translation>Select an overdue whistle first</translation>
    </message>
</context>
<context>
    <name>WhistlePanel</name>
    <message>
        <source>紧急：2小时报到，3个工作日办结</source>
        <translation>Urgent: report in within 2 h, complete within 3 working days</translation>
    </message>
    <message>
        <source>一般：8小时报到，5个工作日办结</source>
        <translation>Normal: report in within 8 h, complete within 5 working days</translation>
    </message>
    <message>
        <source>复杂：16小时报到，10个工作日办结</source>
        <translation>Complex: report in within 16 h, complete within 10 working days</translation>
    </message>
    <message>
        <source>吹哨</source>
        <extracomment>the countdowns move on (nothing is read: the rows are the model&apos;s)</extracomment>
        <translation>Whistle</translation>
    </message>
    <message>
        <source>吹哨 ●</source>
        <translation>Whistle ●</translation>
    </message>
    <message>
        <source>事项至少 {n} 个字，说清是什么问题（如：闲置空地垃圾堆积）</source>
        <extracomment>what a tester types: not a problem anyone can act on</extracomment>
        <translation>The matter needs at least {n} characters saying what the problem is (e.g. rubbish piling up on a vacant lot)</translation>
    </message>
    <message>
        <source>事项“{title}”不是一个问题的说明，请写清是什么问题</source>
        <translation>“{title}” does not describe a problem; say what the problem is</translation>
    </message>
    <message>
        <source>情况说明请写清现场情况，或留空（将用事项和地点）</source>
        <translation>Describe the situation on site, or leave it empty (the matter and place are used)</translation>
    </message>
    <message>
        <source>请至少选择一个报到部门</source>
        <translation>Select at least one department to report in</translation>
    </message>
    <message>
        <source>时限须为规定的时限之一</source>
        <translation>The time limits must be one of the set presets</translation>
    </message>
    <message>
        <source>{hours} 个工作小时</source>
        <translation>{hours} working hours</translation>
    </message>
    <message>
        <source>哨令</source>
        <extracomment>&quot;附近摄像头&quot; for the selected whistle: lon, lat, label (the video wall plugin listens) the whistle shown in the timeline changed (its id; the plugin rings it on the map) asks the user to confirm the whistle (the text names departments and limits); tests replace it</extracomment>
        <translation>Whistles</translation>
    </message>
    <message>
        <source>① 在地图上点击问题地点</source>
        <translation>① Click the problem&apos;s place on the map</translation>
    </message>
    <message>
        <source>{name}（{code}）</source>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <source>问题：如 闲置空地垃圾堆积整治</source>
        <translation>Problem, e.g. clear rubbish on a vacant lot</translation>
    </message>
    <message>
        <source>可留空：将用事项和地点</source>
        <translation>Optional: the matter and place are used</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>报到部门</source>
        <translation>Departments</translation>
    </message>
    <message>
        <source>时限</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Matter</translation>
    </message>
    <message>
        <source>情况说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>添加照片/附件…</source>
        <translation>Add photos/attachments…</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>仅街道党工委书记、办事处主任可以吹哨</source>
        <translation>Only a street&apos;s Party secretary or office director may blow a whistle</translation>
    </message>
    <message>
        <source>数据库以只读方式打开，不能吹哨</source>
        <translation>The database is open read-only: no whistle can be blown</translation>
    </message>
    <message>
        <source>全部哨令</source>
        <translation>All whistles</translation>
    </message>
    <message>
        <source>未办结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>附近摄像头</source>
        <translation>Nearby cameras</translation>
    </message>
    <message>
        <source>在视频墙打开选中哨令地点周边的摄像头</source>
        <translation>Open the cameras around the selected whistle&apos;s place on the video wall</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>倒计时</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>标记</source>
        <translation>Flags</translation>
    </message>
    <message>
        <source>该点不在任何网格内，请重新点击</source>
        <translation>This point lies in no grid; click again</translation>
    </message>
    <message>
        <source>{place}（{lon}, {lat}）</source>
        <translation>{place} ({lon}, {lat})</translation>
    </message>
    <message>
        <source>选择照片或附件</source>
        <translation>Choose photos or attachments</translation>
    </message>
    <message>
        <source>照片 (*.jpg *.jpeg *.png);;所有文件 (*)</source>
        <translation>Photos (*.jpg *.jpeg *.png);;All files (*)</translation>
    </message>
    <message>
        <source>已选 {n} 个附件</source>
        <translation>{n} attachments chosen</translation>
    </message>
    <message>
        <source>向以下 {n} 个部门吹哨，要求报到并办结：
{departments}

报到：{report_hours}内，{report_by} 前
办结：{finish_hours}内，{finish_by} 前
地点：{place}
事项：{title}</source>
        <translation>Whistle these {n} departments to report in and complete:
{departments}

Report in: within {report_hours}, by {report_by}
Complete: within {finish_hours}, by {finish_by}
Place: {place}
Matter: {title}</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>确认吹哨</source>
        <translation>Confirm whistle</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请先在地图上点击问题地点</source>
        <translation>First click the problem&apos;s place on the map</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>已取消，未吹哨</source>
        <translation>Cancelled; no whistle blown</translation>
    </message>
    <message>
        <source>已办结</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>报到{countdown}</source>
        <translation>Report {countdown}</translation>
    </message>
    <message>
        <source>办结{countdown}</source>
        <translation>Finish {countdown}</translation>
    </message>
    <message>
        <source>二次哨</source>
        <translation>2nd</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Superv.</translation>
    </message>
    <message>
        <source>问责</source>
        <translation>Acct.</translation>
    </message>
    <message>
        <source>哨令 {code}</source>
        <translation>Whistle {code}</translation>
    </message>
</context>
<context>
    <name>WhistleTimeline</name>
    <message>
        <source>报到</source>
        <extracomment>button key -&gt; (label, permission)</extracomment>
        <translation>Report in</translation>
    </message>
    <message>
        <source>反馈</source>
        <translation>Feed back</translation>
    </message>
    <message>
        <source>核查通过</source>
        <translation>Verify: passed</translation>
    </message>
    <message>
        <source>核查不通过</source>
        <translation>Verify: failed</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>二次哨</source>
        <translation>Second whistle</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervise</translation>
    </message>
    <message>
        <source>问责</source>
        <translation>Accountability</translation>
    </message>
    <message>
        <source>待报到</source>
        <extracomment>a department&apos;s part of the whistle, as its line in the timeline says</extracomment>
        <translation>awaiting report-in</translation>
    </message>
    <message>
        <source>处置中</source>
        <translation>handling</translation>
    </message>
    <message>
        <source>已反馈待核查</source>
        <translation>fed back, awaiting verification</translation>
    </message>
    <message>
        <source>已核查待评价</source>
        <translation>verified, awaiting rating</translation>
    </message>
    <message>
        <source>已评价 {rating}分</source>
        <translation>rated {rating}</translation>
    </message>
    <message>
        <source>选择一条哨令查看时间线</source>
        <extracomment>the street&apos;s steps and the department state they need (some department in it) the district model&apos;s row of a whistle (set by the panel), for its version</extracomment>
        <translation>Select a whistle to see its timeline</translation>
    </message>
    <message>
        <source>【{mark}】</source>
        <translation>[{mark}]</translation>
    </message>
    <message>
        <source>{code} {title} {flags}
{status} · 报到时限 {report_by} · 办结时限 {finish_by}</source>
        <translation>{code} {title} {flags}
{status} · report in by {report_by} · complete by {finish_by}</translation>
    </message>
    <message>
        <source>：{note}</source>
        <translation>: {note}</translation>
    </message>
    <message>
        <source>（附件 {n} 个）</source>
        <translation> ({n} attachments)</translation>
    </message>
    <message>
        <source>  · {department}：{state}</source>
        <translation>  · {department}: {state}</translation>
    </message>
    <message>
        <source>结果反馈</source>
        <translation>Feed back the result</translation>
    </message>
    <message>
        <source>处置结果：</source>
        <translation>Result:</translation>
    </message>
    <message>
        <source>已处置完毕</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>没有等待核查或评价的部门</source>
        <translation>No department awaits verification or rating</translation>
    </message>
    <message>
        <source>{department} 评分（1-5）：</source>
        <translation>Rating for {department} (1-5):</translation>
    </message>
</context>
<context>
    <name>Workflow</name>
    <message>
        <source>当前用户：{name}（{account} · {role}）</source>
        <translation>Signed in: {name} ({account} · {role})</translation>
    </message>
    <message>
        <source>只读演示：未登录，仅可查看</source>
        <translation>Read-only demo: not signed in, viewing only</translation>
    </message>
    <message>
        <source>{h}小时{m}分</source>
        <translation>{h}h{m}m</translation>
    </message>
    <message>
        <source>{m}分钟</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <source>剩 {span}</source>
        <translation>{span} left</translation>
    </message>
    <message>
        <source>超时 {span}</source>
        <translation>{span} late</translation>
    </message>
    <message>
        <source>未执行：{reason}</source>
        <translation>Not done: {reason}</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>WorkflowPanels</name>
    <message>
        <source>在此吹哨</source>
        <extracomment>the whistle panel of each window, for the case panel&apos;s 吹哨 hand-over</extracomment>
        <translation>Whistle here</translation>
    </message>
    <message>
        <source>在此登记案件</source>
        <translation>New case here</translation>
    </message>
    <message>
        <source>该点不在任何网格内</source>
        <translation>This point lies in no grid</translation>
    </message>
    <message>
        <source>{street} › {community} › {grid}（{lon}, {lat}）</source>
        <translation>{street} › {community} › {grid} ({lon}, {lat})</translation>
    </message>
    <message>
        <source>吹哨调度</source>
        <translation>Whistles</translation>
    </message>
    <message>
        <source>案件办理</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervision</translation>
    </message>
</context>
<context>
    <name>workspace</name>
    <message>
        <source>值班</source>
        <translation>Duty</translation>
    </message>
    <message>
        <source>调度</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <source>大屏</source>
        <translation>Wall</translation>
    </message>
    <message>
        <source>视频</source>
        <translation>Video</translation>
    </message>
</context>
</TS>
