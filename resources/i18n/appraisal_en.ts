<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AppraisalJobs</name>
    <message>
        <source>计算中…</source>
        <extracomment>seconds the worker spent on the last job of each kind of channel (bench) results thrown away because a newer request of their channel came, jobs skipped before they started, running jobs interrupted (tests, logs) opacity of a panel&apos;s previous figures while new ones are computed</extracomment>
        <translation>Computing…</translation>
    </message>
</context>
<context>
    <name>AppraisalReport</name>
    <message>
        <source>部门（下考上）</source>
        <extracomment>departments drawn in the trend chart</extracomment>
        <translation>Departments, bottom-up rating</translation>
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
        <source>PDF 月报的对象须为 {subjects} 之一，而不是 {subject}（网格员考核请导出 --csv 或 --xlsx）</source>
        <extracomment>when the report was made (district time, from the clock service)</extracomment>
        <translation>The PDF report covers one of {subjects}, not {subject} (export grid workers&apos; appraisal with --csv or --xlsx)</translation>
    </message>
    <message>
        <source>{year}年第{quarter}季度</source>
        <translation>Q{quarter} {year}</translation>
    </message>
    <message>
        <source>{year}年度</source>
        <translation>Year {year}</translation>
    </message>
    <message>
        <source>第 {page} 页</source>
        <translation>Page {page}</translation>
    </message>
    <message>
        <source>≥{line}% 满分，每低 1 个百分点扣 {points} 分</source>
        <translation>full marks at ≥{line}%, minus {points} per percentage point below</translation>
    </message>
    <message>
        <source>≤{line}% 满分，每高 1 个百分点扣 {points} 分</source>
        <translation>full marks at ≤{line}%, minus {points} per percentage point above</translation>
    </message>
    <message>
        <source>得分 = 权重 × 指标值</source>
        <translation>points = weight × indicator value</translation>
    </message>
    <message>
        <source>（无趋势数据）</source>
        <translation>(no trend data)</translation>
    </message>
    <message>
        <source>目录不存在：{folder}</source>
        <translation>Folder does not exist: {folder}</translation>
    </message>
    <message>
        <source>{district}网格化管理绩效考核月报</source>
        <translation>{district} Monthly Performance Report</translation>
    </message>
    <message>
        <source>{district}网格化管理绩效考核报告</source>
        <translation>{district} Performance Report</translation>
    </message>
    <message>
        <source>GridCC 网格化管理指挥中心</source>
        <translation>GridCC Grid Governance Command Centre</translation>
    </message>
    <message>
        <source>考核周期：{period}（{first} 至 {last}）</source>
        <translation>Period: {period} ({first} to {last})</translation>
    </message>
    <message>
        <source>本期数据已发布（冻结）</source>
        <translation>figures published (frozen)</translation>
    </message>
    <message>
        <source>本期数据未发布，仅供参考</source>
        <translation>figures not yet published, for reference only</translation>
    </message>
    <message>
        <source> · 生成于 {time}</source>
        <translation> · generated {time}</translation>
    </message>
    <message>
        <source>考核方案 {version} · {state}</source>
        <translation>Scheme {version} · {state}</translation>
    </message>
    <message>
        <source>一、部门考核排名（下考上）</source>
        <translation>1. Department ranking (bottom-up rating)</translation>
    </message>
    <message>
        <source>部门得分 = 街道评价 × {street}% + 客观指标得分 × {objective}%。{count} 个部门参与排名（本期既无案件也无哨令的部门不排名）。</source>
        <translation>Department score = street rating × {street}% + objective score × {objective}%. {count} departments ranked (a department with neither cases nor whistles this period is not ranked).</translation>
    </message>
    <message>
        <source>排名</source>
        <extracomment>a street, community or grid table: rank, the level&apos;s name, score … (the level between)</extracomment>
        <translation>Rank</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>街道评价</source>
        <translation>Street rating</translation>
    </message>
    <message>
        <source>客观指标</source>
        <translation>Objective</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>较上期</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>二、街道考核排名</source>
        <translation>2. Street ranking</translation>
    </message>
    <message>
        <source>二（续）、{level}考核排名</source>
        <translation>2 (cont.). {level} ranking</translation>
    </message>
    <message>
        <source>三、红黑榜（{subject}）</source>
        <translation>3. Red/black list ({subject})</translation>
    </message>
    <message>
        <source>红榜</source>
        <translation>Red list</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>黑榜</source>
        <translation>Black list</translation>
    </message>
    <message>
        <source>结案率</source>
        <translation>Closure rate</translation>
    </message>
    <message>
        <source>按期结案率</source>
        <translation>On-time rate</translation>
    </message>
    <message>
        <source>四、得分趋势（得分前 {count} 名部门，{first} 至 {last}）</source>
        <translation>4. Score trend (top {count} departments, {first} to {last})</translation>
    </message>
    <message>
        <source>五、指标口径</source>
        <translation>5. Indicator definitions</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>{name}：{formula}</source>
        <translation>{name}: {formula}</translation>
    </message>
    <message>
        <source>等级（分级分色）：</source>
        <translation>Grades (colour-coded): </translation>
    </message>
    <message>
        <source>{grade} ≥ {score} 分</source>
        <translation>{grade} ≥ {score}</translation>
    </message>
    <message>
        <source>客观指标计分：</source>
        <translation>Objective scoring: </translation>
    </message>
    <message>
        <source>{name} {weight} 分（{rule}）</source>
        <translation>{name} {weight} points ({rule})</translation>
    </message>
    <message>
        <source>扣分项：</source>
        <translation>Deductions: </translation>
    </message>
    <message>
        <source>{name}每次扣 {points} 分（最多 {max} 分）</source>
        <translation>{name}: minus {points} each (at most {max})</translation>
    </message>
    <message>
        <source>百分比由精确计数计算，保留两位小数；分母为 0 时显示“—”。</source>
        <translation>Percentages are computed from exact counts and shown to two decimals; a zero denominator shows as &quot;—&quot;.</translation>
    </message>
</context>
<context>
    <name>DrillDown</name>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>{n} 条</source>
        <translation>{n} records</translation>
    </message>
    <message>
        <source>共 {total} 条（显示前 {shown} 条）</source>
        <translation>{total} records (first {shown} shown)</translation>
    </message>
</context>
<context>
    <name>DrillDownDialog</name>
    <message>
        <source>指标下钻 · {name}</source>
        <translation>Drill-down · {name}</translation>
    </message>
    <message>
        <source>分子</source>
        <translation>Numerator</translation>
    </message>
    <message>
        <source>{measure}（分子）{count}</source>
        <translation>{measure} (numerator) {count}</translation>
    </message>
    <message>
        <source>{measure}（分母）{count}</source>
        <translation>{measure} (denominator) {count}</translation>
    </message>
</context>
<context>
    <name>IndicatorPanel</name>
    <message>
        <source>单击左侧排名中的一行，查看其指标；双击指标查看对应案件</source>
        <translation>Click a row of the ranking for its indicators; double-click an indicator for its cases</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>数值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>分子 / 分母</source>
        <translation>Num. / den.</translation>
    </message>
    <message>
        <source>环比</source>
        <translation>vs prev.</translation>
    </message>
    <message>
        <source>同比</source>
        <translation>vs yr ago</translation>
    </message>
    <message>
        <source>{hours} 工时</source>
        <translation>{hours} work h</translation>
    </message>
    <message>
        <source> 个百分点</source>
        <translation> pts</translation>
    </message>
    <message>
        <source> 工时</source>
        <translation> work h</translation>
    </message>
    <message>
        <source>{name} · {period} 指标明细</source>
        <translation>{name} · {period} indicators</translation>
    </message>
    <message>
        <source>计算中…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>无法计算 {name} 的指标</source>
        <translation>Indicators of {name} could not be computed</translation>
    </message>
    <message>
        <source>{what}：{reason}</source>
        <translation>{what}: {reason}</translation>
    </message>
    <message>
        <source>{name} · {period} 指标明细（双击指标查看案件）</source>
        <translation>{name} · {period} indicators (double-click an indicator for its cases)</translation>
    </message>
    <message>
        <source>正在查询 {name} 的案件…</source>
        <translation>Listing the cases behind {name}…</translation>
    </message>
    <message>
        <source>无法列出案件</source>
        <translation>Cases could not be listed</translation>
    </message>
</context>
<context>
    <name>ItemsTable</name>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>权重（分）</source>
        <translation>Weight (points)</translation>
    </message>
    <message>
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>满分线 / 免扣线（%）</source>
        <translation>Target / limit (%)</translation>
    </message>
    <message>
        <source>每个百分点扣分</source>
        <translation>Minus per point</translation>
    </message>
    <message>
        <source>添加指标</source>
        <translation>Add indicator</translation>
    </message>
    <message>
        <source>删除所选</source>
        <translation>Remove selected</translation>
    </message>
    <message>
        <source>权重合计 {total} 分</source>
        <translation>Weights total {total} points</translation>
    </message>
    <message>
        <source>（须为 100）</source>
        <translation> (must be 100)</translation>
    </message>
</context>
<context>
    <name>LeagueTable</name>
    <message>
        <source>排名</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>较上期</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>街道评价</source>
        <translation>Street rating</translation>
    </message>
    <message>
        <source>客观指标</source>
        <translation>Objective</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>结案率</source>
        <translation>Closure</translation>
    </message>
    <message>
        <source>按期结案率</source>
        <translation>On-time closure</translation>
    </message>
    <message>
        <source>满意率</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>已发布</source>
        <extracomment>translucency of the grade colour behind a whole row</extracomment>
        <translation>Published</translation>
    </message>
    <message>
        <source>未发布</source>
        <translation>Unpublished</translation>
    </message>
    <message>
        <source>本期已发布：数据冻结，不再变动</source>
        <translation>Published: the figures of this period are frozen</translation>
    </message>
    <message>
        <source>上期 {score} 分</source>
        <translation>Last period {score}</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <source>月度</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>季度</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>1月</source>
        <extracomment>month names (1月 … 12月; &quot;Jan&quot; … in English)</extracomment>
        <translation>Jan</translation>
    </message>
    <message>
        <source>2月</source>
        <translation>Feb</translation>
    </message>
    <message>
        <source>3月</source>
        <translation>Mar</translation>
    </message>
    <message>
        <source>4月</source>
        <translation>Apr</translation>
    </message>
    <message>
        <source>5月</source>
        <translation>May</translation>
    </message>
    <message>
        <source>6月</source>
        <translation>Jun</translation>
    </message>
    <message>
        <source>7月</source>
        <translation>Jul</translation>
    </message>
    <message>
        <source>8月</source>
        <translation>Aug</translation>
    </message>
    <message>
        <source>9月</source>
        <translation>Sep</translation>
    </message>
    <message>
        <source>10月</source>
        <translation>Oct</translation>
    </message>
    <message>
        <source>11月</source>
        <translation>Nov</translation>
    </message>
    <message>
        <source>12月</source>
        <translation>Dec</translation>
    </message>
    <message>
        <source>{year}年{month}</source>
        <extracomment>how many periods of each kind the list offers</extracomment>
        <translation>{month} {year}</translation>
    </message>
    <message>
        <source>{year}年第{quarter}季度</source>
        <translation>Q{quarter} {year}</translation>
    </message>
    <message>
        <source>{year}年</source>
        <translation>{year}</translation>
    </message>
    <message>
        <source>考核周期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>周期 {period} 不在可选范围内</source>
        <translation>Period {period} is not among those offered</translation>
    </message>
</context>
<context>
    <name>RedBlackBoard</name>
    <message>
        <source>红黑榜</source>
        <extracomment>layout side by side when the board is this much wider than high</extracomment>
        <translation>Red/black list</translation>
    </message>
    <message>
        <source>红榜</source>
        <translation>Red list</translation>
    </message>
    <message>
        <source>表扬</source>
        <translation>Commended</translation>
    </message>
    <message>
        <source>黑榜</source>
        <translation>Black list</translation>
    </message>
    <message>
        <source>通报</source>
        <translation>Named</translation>
    </message>
    <message>
        <source>暂无数据</source>
        <translation>No data yet</translation>
    </message>
</context>
<context>
    <name>RedBlackPanel</name>
    <message>
        <source>部门考核（下考上）</source>
        <translation>Departments (bottom-up rating)</translation>
    </message>
    <message>
        <source>街道考核</source>
        <translation>Streets</translation>
    </message>
    <message>
        <source>社区考核</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>红黑榜 · {subject}</source>
        <extracomment>share of the map&apos;s width the board takes in big-screen mode</extracomment>
        <translation>Red/black list · {subject}</translation>
    </message>
    <message>
        <source>{period}（未发布）</source>
        <translation>{period} (unpublished)</translation>
    </message>
    <message>
        <source>无法生成红黑榜：{reason}</source>
        <translation>Red/black list not available: {reason}</translation>
    </message>
</context>
<context>
    <name>SchemeEditor</name>
    <message>
        <source>达标线</source>
        <translation>Threshold</translation>
    </message>
    <message>
        <source>超线扣分</source>
        <translation>Deduct above line</translation>
    </message>
    <message>
        <source>按比例</source>
        <translation>Proportional</translation>
    </message>
    <message>
        <source>客观指标</source>
        <extracomment>field paths of validate_scheme&apos;s messages, named for people</extracomment>
        <translation>Objective indicators</translation>
    </message>
    <message>
        <source>区域指标</source>
        <translation>Area indicators</translation>
    </message>
    <message>
        <source>扣分项</source>
        <translation>Deductions</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grades</translation>
    </message>
    <message>
        <source>街道评价</source>
        <translation>Street rating</translation>
    </message>
    <message>
        <source>街道评价权重</source>
        <translation>Street rating weight</translation>
    </message>
    <message>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>{field}{path}：{problem}</source>
        <translation>{field}{path}: {problem}</translation>
    </message>
    <message>
        <source>考核方案 · 当前版本 {version}</source>
        <translation>Scoring scheme · version in force {version}</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>每次扣分</source>
        <translation>Minus each</translation>
    </message>
    <message>
        <source>上限</source>
        <translation>At most</translation>
    </message>
    <message>
        <source>下限（分）</source>
        <translation>From (points)</translation>
    </message>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>新版本号</source>
        <translation>New version</translation>
    </message>
    <message>
        <source>方案名称</source>
        <translation>Scheme name</translation>
    </message>
    <message>
        <source>街道评价占部门得分（%）</source>
        <translation>Street rating in department score (%)</translation>
    </message>
    <message>
        <source>其中：街道问卷（%）</source>
        <translation>of which street survey (%)</translation>
    </message>
    <message>
        <source>其中：哨令评分（%）</source>
        <translation>of which whistle rating (%)</translation>
    </message>
    <message>
        <source>部门客观指标</source>
        <translation>Department indicators</translation>
    </message>
    <message>
        <source>街道/社区指标</source>
        <translation>Area indicators</translation>
    </message>
    <message>
        <source>扣分项（督办、二次哨）</source>
        <translation>Deductions</translation>
    </message>
    <message>
        <source>等级与颜色</source>
        <translation>Grades</translation>
    </message>
    <message>
        <source>保存总是生成新版本，只用于尚未发布的周期；已发布周期的得分与方案已冻结，不会追溯改变。</source>
        <translation>Saving always creates a new version, used only for periods not yet published; published periods keep their scores and scheme.</translation>
    </message>
    <message>
        <source>校验</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>保存为新版本</source>
        <translation>Save as new version</translation>
    </message>
    <message>
        <source>只有系统管理员可以保存考核方案</source>
        <translation>Only a system administrator may save the scoring scheme</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>方案有 {count} 处问题，未保存</source>
        <translation>{count} problems in the scheme, not saved</translation>
    </message>
    <message>
        <source>校验通过</source>
        <translation>Check passed</translation>
    </message>
    <message>
        <source>未保存：{reason}</source>
        <translation>Not saved: {reason}</translation>
    </message>
    <message>
        <source>已保存方案 {version}，用于尚未发布的周期</source>
        <translation>Scheme {version} saved, used for periods not yet published</translation>
    </message>
</context>
<context>
    <name>ScoringDock</name>
    <message>
        <source>部门（下考上）</source>
        <extracomment>(league kind, tab title, indicator subject)</extracomment>
        <translation>Departments (bottom-up)</translation>
    </message>
    <message>
        <source>街道</source>
        <translation>Streets</translation>
    </message>
    <message>
        <source>社区</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>街道评议</source>
        <extracomment>the scores shown changed (a new period, a survey, a published period) the PDF report was written (its path), or could not be (None) the period of the figures on screen (the picker may be ahead of it)</extracomment>
        <translation>Street survey</translation>
    </message>
    <message>
        <source>考核方案</source>
        <translation>Scheme</translation>
    </message>
    <message>
        <source>发布</source>
        <translation>Publish</translation>
    </message>
    <message>
        <source>导出月报</source>
        <translation>Export report</translation>
    </message>
    <message>
        <source>无法计算 {period}：{reason}</source>
        <translation>{period} could not be computed: {reason}</translation>
    </message>
    <message>
        <source>● 已发布 · 数据冻结</source>
        <translation>● Published · frozen</translation>
    </message>
    <message>
        <source>○ 未发布 · 实时计算</source>
        <translation>○ Unpublished · live</translation>
    </message>
    <message>
        <source>请先登录</source>
        <translation>Please sign in first</translation>
    </message>
    <message>
        <source>发布考核结果</source>
        <translation>Publish appraisal results</translation>
    </message>
    <message>
        <source>发布 {period} 的考核结果？发布后本期得分、排名与所用方案冻结，不能再修改。</source>
        <translation>Publish the appraisal results of {period}? The period&apos;s scores, ranks and scheme are then frozen and can no longer change.</translation>
    </message>
    <message>
        <source>{period} 已发布，发布后的数据不再变动</source>
        <translation>{period} is already published; its figures are frozen</translation>
    </message>
    <message>
        <source>未发布：{reason}</source>
        <translation>Not published: {reason}</translation>
    </message>
    <message>
        <source>正在发布 {period}，冻结得分与指标…</source>
        <translation>Publishing {period}, freezing scores and indicators…</translation>
    </message>
    <message>
        <source>{period} 考核结果已发布，数据已冻结</source>
        <translation>{period} appraisal results published, figures frozen</translation>
    </message>
    <message>
        <source>导出考核月报</source>
        <translation>Export appraisal report</translation>
    </message>
    <message>
        <source>考核月报-{period}.pdf</source>
        <translation>appraisal-report-{period}.pdf</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>正在生成 {period} 月报…</source>
        <translation>Writing the {period} report…</translation>
    </message>
    <message>
        <source>已导出 {path}</source>
        <translation>Exported {path}</translation>
    </message>
    <message>
        <source>未导出：{reason}</source>
        <translation>Not exported: {reason}</translation>
    </message>
</context>
<context>
    <name>SurveyDialog</name>
    <message>
        <source>街道评议问卷（下考上）</source>
        <extracomment>a submission ended: stored (True) or refused, with the reason shown (False)</extracomment>
        <translation>Street survey (bottom-up rating)</translation>
    </message>
    <message>
        <source>街道评议部门（下考上）</source>
        <translation>Streets rate departments (bottom-up rating)</translation>
    </message>
    <message>
        <source>请为每个部门打分（0–100）。每个街道每期只能提交一次，提交后不能修改。</source>
        <translation>Rate every department (0–100). Each street submits once per period; a submitted survey cannot be changed.</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>评分</source>
        <translation>Rating</translation>
    </message>
    <message>
        <source>未评</source>
        <translation>Not rated</translation>
    </message>
    <message>
        <source>未评的全部填入</source>
        <translation>Fill in all unrated</translation>
    </message>
    <message>
        <source>意见建议（可不填）</source>
        <translation>Comments (optional)</translation>
    </message>
    <message>
        <source>提交问卷</source>
        <translation>Submit survey</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>评议街道</source>
        <translation>Street</translation>
    </message>
    <message>
        <source>考核周期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>快速填写</source>
        <translation>Quick fill</translation>
    </message>
    <message>
        <source>请先以街道党工委书记身份登录</source>
        <translation>Sign in as a street party secretary first</translation>
    </message>
    <message>
        <source>{period} 考核结果已发布，不能再提交问卷</source>
        <translation>{period} results are published; no more surveys can be submitted</translation>
    </message>
    <message>
        <source>{street} {period} 问卷已由 {who} 于 {time} 提交，不能重复提交</source>
        <translation>The {street} survey for {period} was submitted by {who} at {time}; it cannot be submitted twice</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source> 等 {count} 个部门</source>
        <translation> and others ({count} in all)</translation>
    </message>
    <message>
        <source>未提交：{departments} 尚未评分</source>
        <translation>Not submitted: {departments} not rated yet</translation>
    </message>
    <message>
        <source>正在提交…</source>
        <translation>Submitting…</translation>
    </message>
    <message>
        <source>未提交：{reason}</source>
        <translation>Not submitted: {reason}</translation>
    </message>
    <message>
        <source>已提交 {street} {period} 问卷，共 {count} 个部门</source>
        <translation>{street} survey for {period} submitted, {count} departments</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <source>月度得分</source>
        <extracomment>opaque and dim: a translucent grid is what made the chart slow to paint</extracomment>
        <translation>Monthly score</translation>
    </message>
    <message>
        <source>结案率（%）</source>
        <translation>Closure rate (%)</translation>
    </message>
</context>
<context>
    <name>TrendPanel</name>
    <message>
        <source>对比部门（{first} 至 {last}）</source>
        <extracomment>departments ticked when the dock opens (the best ones and the worst one)</extracomment>
        <translation>Compare departments ({first} to {last})</translation>
    </message>
    <message>
        <source>无法计算得分</source>
        <translation>Scores could not be computed</translation>
    </message>
    <message>
        <source>勾选左侧部门以比较趋势</source>
        <translation>Tick departments on the left to compare their trends</translation>
    </message>
    <message>
        <source>无法计算趋势</source>
        <translation>Trends could not be computed</translation>
    </message>
    <message>
        <source>{count} 个部门 · 每月得分与结案率</source>
        <translation>{count} departments · monthly score and closure rate</translation>
    </message>
    <message>
        <source>{what}：{reason}</source>
        <translation>{what}: {reason}</translation>
    </message>
</context>
<context>
    <name>domain</name>
    <message>
        <source>受理数</source>
        <extracomment>indicator and measure names (指标、计数)</extracomment>
        <translation>Received</translation>
    </message>
    <message>
        <source>立案数</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>应结案数</source>
        <translation>Due to close</translation>
    </message>
    <message>
        <source>结案数</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>按期结案数</source>
        <translation>Closed on time</translation>
    </message>
    <message>
        <source>结案率</source>
        <translation>Closure rate</translation>
    </message>
    <message>
        <source>按期结案率</source>
        <translation>On-time closure rate</translation>
    </message>
    <message>
        <source>按期处置率</source>
        <translation>On-time handling rate</translation>
    </message>
    <message>
        <source>返工率</source>
        <translation>Rework rate</translation>
    </message>
    <message>
        <source>回退率</source>
        <translation>Return rate</translation>
    </message>
    <message>
        <source>准确派遣率</source>
        <translation>Accurate dispatch rate</translation>
    </message>
    <message>
        <source>平均结案用时</source>
        <translation>Average time to close</translation>
    </message>
    <message>
        <source>满意率</source>
        <translation>Satisfaction rate</translation>
    </message>
    <message>
        <source>接哨数</source>
        <translation>Whistles received</translation>
    </message>
    <message>
        <source>报到及时率</source>
        <translation>Report-in timeliness</translation>
    </message>
    <message>
        <source>按时办结率</source>
        <translation>On-time completion rate</translation>
    </message>
    <message>
        <source>督办数</source>
        <translation>Supervisions</translation>
    </message>
    <message>
        <source>二次哨数</source>
        <translation>Second whistles</translation>
    </message>
    <message>
        <source>哨令评分</source>
        <translation>Whistle rating</translation>
    </message>
    <message>
        <source>上报数</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>有效上报率</source>
        <translation>Valid report rate</translation>
    </message>
    <message>
        <source>巡查覆盖率</source>
        <translation>Patrol coverage</translation>
    </message>
    <message>
        <source>按期处置数</source>
        <translation>Handled on time</translation>
    </message>
    <message>
        <source>处置数</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>返工数</source>
        <translation>Reworked</translation>
    </message>
    <message>
        <source>派遣数</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>回退数</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>准确派遣数</source>
        <translation>Dispatched correctly</translation>
    </message>
    <message>
        <source>评价数</source>
        <translation>Rated</translation>
    </message>
    <message>
        <source>满意数</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>结案用时合计</source>
        <translation>Total time to close</translation>
    </message>
    <message>
        <source>按时报到数</source>
        <translation>Reported in on time</translation>
    </message>
    <message>
        <source>按时办结数</source>
        <translation>Completed on time</translation>
    </message>
    <message>
        <source>哨令评价数</source>
        <translation>Whistles rated</translation>
    </message>
    <message>
        <source>哨令评分合计</source>
        <translation>Whistle rating total</translation>
    </message>
    <message>
        <source>有效上报数</source>
        <translation>Valid reports</translation>
    </message>
    <message>
        <source>巡查天数</source>
        <translation>Patrol days</translation>
    </message>
    <message>
        <source>有轨迹天数</source>
        <translation>Days with tracks</translation>
    </message>
    <message>
        <source>上报时间在周期内的案件数</source>
        <extracomment>what each indicator and measure counts (口径)</extracomment>
        <translation>Cases reported in the period</translation>
    </message>
    <message>
        <source>立案时间在周期内的案件数</source>
        <translation>Cases registered in the period</translation>
    </message>
    <message>
        <source>未作废、未挂账，且处置期限在周期内或在周期内结案的案件（延期、缓办暂停期间无期限）</source>
        <translation>Cases not voided or parked whose deadline falls in the period or that were closed in it (no deadline while extended or deferred)</translation>
    </message>
    <message>
        <source>结案时间在周期内的案件数</source>
        <translation>Cases closed in the period</translation>
    </message>
    <message>
        <source>在周期内结案且结案时间不晚于处置期限的案件</source>
        <translation>Cases closed in the period no later than their deadline</translation>
    </message>
    <message>
        <source>结案率 = 结案数 ÷ 应结案数</source>
        <translation>Closure rate = closed ÷ due to close</translation>
    </message>
    <message>
        <source>按期结案率 = 按期结案数 ÷ 应结案数</source>
        <translation>On-time closure rate = closed on time ÷ due to close</translation>
    </message>
    <message>
        <source>按期处置率 = 按期处置数 ÷ 应结案数</source>
        <translation>On-time handling rate = handled on time ÷ due to close</translation>
    </message>
    <message>
        <source>返工率 = 返工数 ÷ 处置数</source>
        <translation>Rework rate = reworked ÷ handled</translation>
    </message>
    <message>
        <source>回退率 = 回退数 ÷ 派遣数</source>
        <translation>Return rate = returned ÷ dispatched</translation>
    </message>
    <message>
        <source>准确派遣率 = 准确派遣数 ÷ 派遣数</source>
        <translation>Accurate dispatch rate = dispatched correctly ÷ dispatched</translation>
    </message>
    <message>
        <source>平均结案用时 = 结案用时合计（受理→结案，工作小时）÷ 结案数</source>
        <translation>Average time to close = total time to close (received → closed, working hours) ÷ closed</translation>
    </message>
    <message>
        <source>满意率 = 满意数 ÷ 评价数</source>
        <translation>Satisfaction rate = satisfied ÷ rated</translation>
    </message>
    <message>
        <source>吹哨时间在周期内、点名该部门的哨令（一哨多部门按部门计）</source>
        <translation>Whistles blown in the period naming the department (a whistle to several departments counts once per department)</translation>
    </message>
    <message>
        <source>报到及时率 = 按时报到数 ÷ 接哨数</source>
        <translation>Report-in timeliness = reported in on time ÷ whistles received</translation>
    </message>
    <message>
        <source>按时办结率 = 按时办结数 ÷ 接哨数</source>
        <translation>On-time completion rate = completed on time ÷ whistles received</translation>
    </message>
    <message>
        <source>接哨数中被区委督查室督办的</source>
        <translation>Whistles received that the district Supervision Office supervised</translation>
    </message>
    <message>
        <source>接哨数中属二次吹哨的</source>
        <translation>Whistles received that were second whistles</translation>
    </message>
    <message>
        <source>哨令评分 = 哨令评分合计 ÷ 哨令评价数（1-5 分）</source>
        <translation>Whistle rating = whistle rating total ÷ whistles rated (1-5)</translation>
    </message>
    <message>
        <source>网格员上报、上报时间在周期内的案件</source>
        <translation>Cases reported by grid workers in the period</translation>
    </message>
    <message>
        <source>有效上报率 = 有效上报数 ÷ 上报数</source>
        <translation>Valid report rate = valid reports ÷ reports</translation>
    </message>
    <message>
        <source>巡查覆盖率 = 巡查天数 ÷ 有轨迹天数</source>
        <translation>Patrol coverage = patrol days ÷ days with tracks</translation>
    </message>
    <message>
        <source>上报时间在周期内的案件</source>
        <translation>Cases reported in the period</translation>
    </message>
    <message>
        <source>立案时间在周期内的案件</source>
        <translation>Cases registered in the period</translation>
    </message>
    <message>
        <source>结案时间在周期内的案件</source>
        <translation>Cases closed in the period</translation>
    </message>
    <message>
        <source>应结案中处置（最后一次）时间不晚于处置期限的案件</source>
        <translation>Cases due to close whose (last) handling was no later than the deadline</translation>
    </message>
    <message>
        <source>最后一次处置时间在周期内的案件</source>
        <translation>Cases last handled in the period</translation>
    </message>
    <message>
        <source>处置数中曾因核查不通过而返工的案件</source>
        <translation>Handled cases reworked after failing verification</translation>
    </message>
    <message>
        <source>（最后一次）派遣时间在周期内的案件</source>
        <translation>Cases (last) dispatched in the period</translation>
    </message>
    <message>
        <source>派遣数中曾被回退（退回重派）的案件</source>
        <translation>Dispatched cases that were returned (sent back for redispatch)</translation>
    </message>
    <message>
        <source>派遣数中从未被回退的案件</source>
        <translation>Dispatched cases never returned</translation>
    </message>
    <message>
        <source>评价时间在周期内且有满意度的案件</source>
        <translation>Cases evaluated in the period with a satisfaction rating</translation>
    </message>
    <message>
        <source>评价数中满意度为 4 或 5（满意、非常满意）的案件</source>
        <translation>Rated cases with a satisfaction of 4 or 5 (satisfied, very satisfied)</translation>
    </message>
    <message>
        <source>周期内结案案件从受理到结案的工作小时之和</source>
        <translation>Working hours from receipt to closure, summed over cases closed in the period</translation>
    </message>
    <message>
        <source>接哨数中报到时间不晚于报到时限的</source>
        <translation>Whistles received with report-in no later than the report-in deadline</translation>
    </message>
    <message>
        <source>接哨数中反馈办结时间不晚于办结时限的</source>
        <translation>Whistles received with completion fed back no later than the completion deadline</translation>
    </message>
    <message>
        <source>评价时间在周期内、街道已评分的部门报到</source>
        <translation>Department report-ins the street rated in the period</translation>
    </message>
    <message>
        <source>街道对部门报到处置的评分（1-5）之和</source>
        <translation>Sum of the street&apos;s ratings (1-5) of department report-ins</translation>
    </message>
    <message>
        <source>上报数中未被作废的</source>
        <translation>Reports not voided</translation>
    </message>
    <message>
        <source>周期内该网格员有 GPS 轨迹的天数</source>
        <translation>Days in the period with GPS tracks of the grid worker</translation>
    </message>
    <message>
        <source>周期内全区有 GPS 轨迹记录的天数</source>
        <translation>Days in the period with GPS tracks anywhere in the district</translation>
    </message>
    <message>
        <source>案件编号</source>
        <extracomment>the drill-down&apos;s column headers (app.appraisal.drilldown) and its one literal cell</extracomment>
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
        <source>责任部门</source>
        <translation>Responsible department</translation>
    </message>
    <message>
        <source>上报时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>派遣时间</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>处置期限</source>
        <translation>Handling deadline</translation>
    </message>
    <message>
        <source>处置时间</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>结案时间</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>返工次数</source>
        <translation>Reworks</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>哨令编号</source>
        <translation>Whistle no.</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>轮次</source>
        <translation>Round</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>吹哨时间</source>
        <translation>Blown</translation>
    </message>
    <message>
        <source>报到时限</source>
        <translation>Report-in deadline</translation>
    </message>
    <message>
        <source>报到时间</source>
        <translation>Reported in</translation>
    </message>
    <message>
        <source>办结时限</source>
        <translation>Completion deadline</translation>
    </message>
    <message>
        <source>反馈时间</source>
        <translation>Fed back</translation>
    </message>
    <message>
        <source>评分</source>
        <translation>Rating</translation>
    </message>
    <message>
        <source>督办</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <source>网格员编号</source>
        <translation>Grid worker no.</translation>
    </message>
    <message>
        <source>网格员</source>
        <translation>Grid worker</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>全区</source>
        <translation>Whole district</translation>
    </message>
    <message>
        <source>优秀</source>
        <extracomment>the grade labels of the default scheme (resources/appraisal/scheme-v1.json)</extracomment>
        <translation>Excellent</translation>
    </message>
    <message>
        <source>良好</source>
        <translation>Good</translation>
    </message>
    <message>
        <source>一般</source>
        <translation>Fair</translation>
    </message>
    <message>
        <source>较差</source>
        <translation>Poor</translation>
    </message>
</context>
<context>
    <name>panels</name>
    <message>
        <source>考核评分</source>
        <translation>Performance score</translation>
    </message>
    <message>
        <source>红黑榜</source>
        <translation>Red/black list</translation>
    </message>
    <message>
        <source>考核趋势</source>
        <translation>Score trend</translation>
    </message>
</context>
</TS>
