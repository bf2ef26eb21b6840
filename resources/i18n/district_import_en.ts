<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CommitPage</name>
    <message>
        <source>第 5 步&#x3000;导入</source>
        <translation>Step 5 · Import</translation>
    </message>
    <message>
        <source>一次事务写入并记入审计日志；写入开始前可随时取消，取消后不写入任何数据。</source>
        <translation>Written in one transaction and recorded in the audit log. You can cancel at any time before writing starts; nothing is written then.</translation>
    </message>
    <message>
        <source>开始导入</source>
        <translation>Start import</translation>
    </message>
    <message>
        <source>打开辖区</source>
        <translation>Open district</translation>
    </message>
    <message>
        <source>导入到：{target}&lt;br&gt;文件：&lt;br&gt;{files}&lt;br&gt;&lt;br&gt;将写入：{counts}</source>
        <translation>Import into: {target}&lt;br&gt;Files:&lt;br&gt;{files}&lt;br&gt;&lt;br&gt;To be written: {counts}</translation>
    </message>
    <message>
        <source>导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>没有写入：有 {n} 个错误</source>
        <translation>Nothing written: {n} errors</translation>
    </message>
    <message>
        <source>当前辖区</source>
        <translation>the current district</translation>
    </message>
    <message>
        <source>导入完成</source>
        <translation>Import complete</translation>
    </message>
    <message>
        <source>（一个事务，已记入审计日志）：{counts}，写入 {where}。</source>
        <translation> (one transaction, recorded in the audit log): {counts}, written to {where}.</translation>
    </message>
    <message>
        <source>也可以在命令行打开：</source>
        <translation>You can also open it from the command line:</translation>
    </message>
    <message>
        <source>在新窗口打开新辖区</source>
        <translation>Open new district in a new window</translation>
    </message>
    <message>
        <source>重新打开主窗口</source>
        <translation>Reopen main window</translation>
    </message>
    <message>
        <source>已取消：没有写入任何数据。</source>
        <translation>Cancelled: nothing was written.</translation>
    </message>
    <message>
        <source>导入失败，没有写入：{reason}</source>
        <translation>Import failed, nothing written: {reason}</translation>
    </message>
    <message>
        <source>未能启动新窗口，请用上面的命令打开。</source>
        <translation>Could not start a new window; open it with the command above.</translation>
    </message>
</context>
<context>
    <name>CrsPage</name>
    <message>
        <source>第 3 步&#x3000;坐标系</source>
        <extracomment>the kinds that have a place (the others are plain tables: no CRS)</extracomment>
        <translation>Step 3 · Coordinate system</translation>
    </message>
    <message>
        <source>各图层按 .prj 或坐标数值判定的坐标系；来自网络地图的数据常为 GCJ-02（.prj 却写 WGS 84），可逐层指定。右图为导入的图层叠在当前辖区上。</source>
        <translation>The coordinate system of each layer, from its .prj or its coordinate values. Data from web maps is often GCJ-02 (while the .prj says WGS 84); set it per layer. The map shows the imported layers over the current district.</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layer</translation>
    </message>
    <message>
        <source>判定的坐标系</source>
        <translation>Detected CRS</translation>
    </message>
    <message>
        <source>指定坐标系</source>
        <translation>Set CRS</translation>
    </message>
    <message>
        <source>修复：转换 GCJ-02/BD-09 偏移的图层，修正无效几何，狭长缝隙并入相邻单元（逐项列出）</source>
        <translation>Repair: convert GCJ-02/BD-09 shifted layers, fix invalid geometry, merge slivers into neighbours (each listed)</translation>
    </message>
    <message>
        <source>按所选坐标系重新检查</source>
        <translation>Check again with the chosen CRS</translation>
    </message>
    <message>
        <source>所选图层（左表中选中的一行）</source>
        <translation>Selected layer (the row picked on the left)</translation>
    </message>
    <message>
        <source>{layer}（{kind}）</source>
        <translation>{layer} ({kind})</translation>
    </message>
    <message>
        <source>—（无坐标）</source>
        <translation>— (none)</translation>
    </message>
    <message>
        <source>坐标与几何检查…</source>
        <translation>Checking coordinates and geometry…</translation>
    </message>
    <message>
        <source>未能判定</source>
        <translation>Undetermined</translation>
    </message>
    <message>
        <source>坐标系与位置检查未发现问题。</source>
        <translation>No problems found with coordinate systems and positions.</translation>
    </message>
    <message>
        <source>→ 在上表中为该图层指定 GCJ-02 或 BD-09，或勾选“修复”自动转换，再看右图是否与当前辖区重合。</source>
        <translation>→ Set GCJ-02 or BD-09 for that layer in the table above, or tick &quot;Repair&quot; to convert it, then check on the map that it lines up with the current district.</translation>
    </message>
    <message>
        <source>已取消检查</source>
        <translation>Check cancelled</translation>
    </message>
    <message>
        <source>检查失败：{reason}</source>
        <translation>Check failed: {reason}</translation>
    </message>
</context>
<context>
    <name>DistrictImport</name>
    <message>
        <source>编码</source>
        <extracomment>the target fields of every kind, as an operator reads them</extracomment>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>层级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>上级编码</source>
        <translation>Parent code</translation>
    </message>
    <message>
        <source>街道编码</source>
        <translation>Street code</translation>
    </message>
    <message>
        <source>街道名称</source>
        <translation>Street name</translation>
    </message>
    <message>
        <source>社区编码</source>
        <translation>Community code</translation>
    </message>
    <message>
        <source>社区名称</source>
        <translation>Community name</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>人口</source>
        <translation>Residents</translation>
    </message>
    <message>
        <source>用途</source>
        <translation>Use</translation>
    </message>
    <message>
        <source>层数</source>
        <translation>Floors</translation>
    </message>
    <message>
        <source>高度 (m)</source>
        <translation>Height (m)</translation>
    </message>
    <message>
        <source>单元数</source>
        <translation>Entrances</translation>
    </message>
    <message>
        <source>所属网格编码</source>
        <translation>Grid code</translation>
    </message>
    <message>
        <source>老年人</source>
        <translation>Elderly</translation>
    </message>
    <message>
        <source>儿童</source>
        <translation>Children</translation>
    </message>
    <message>
        <source>重点人群</source>
        <translation>Special care</translation>
    </message>
    <message>
        <source>行业</source>
        <translation>Trade</translation>
    </message>
    <message>
        <source>风险等级</source>
        <translation>Hazard class</translation>
    </message>
    <message>
        <source>经度</source>
        <translation>Longitude</translation>
    </message>
    <message>
        <source>纬度</source>
        <translation>Latitude</translation>
    </message>
    <message>
        <source>WKT 几何</source>
        <translation>WKT geometry</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Departments</translation>
    </message>
    <message>
        <source>朝向 (°)</source>
        <translation>Heading (°)</translation>
    </message>
    <message>
        <source>所属部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>视场角 (°)</source>
        <translation>Field of view (°)</translation>
    </message>
    <message>
        <source>主码流地址</source>
        <translation>Main stream URL</translation>
    </message>
    <message>
        <source>辅码流地址</source>
        <translation>Sub-stream URL</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>上班时间</source>
        <translation>Shift start</translation>
    </message>
    <message>
        <source>下班时间</source>
        <translation>Shift end</translation>
    </message>
    <message>
        <source>简称</source>
        <translation>Short name</translation>
    </message>
    <message>
        <source>大类名称</source>
        <translation>Class name</translation>
    </message>
    <message>
        <source>处置时限 (小时)</source>
        <translation>Time limit (hours)</translation>
    </message>
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
        <source>网格边界</source>
        <extracomment>what a layer holds (app.district_io.mapping.KIND_ZH&apos;s words)</extracomment>
        <translation>Grid boundaries</translation>
    </message>
    <message>
        <source>建筑</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>商户</source>
        <translation>Merchants</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Cameras</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>案件分类</source>
        <translation>Case categories</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>警告</source>
        <translation>Warnings</translation>
    </message>
    <message>
        <source>修复</source>
        <translation>Repairs</translation>
    </message>
    <message>
        <source>自动（层级字段或编码长度）</source>
        <extracomment>(label, option) of the level combo of a boundary layer; None: from a level field or the codes</extracomment>
        <translation>Automatic (level field or code length)</translation>
    </message>
    <message>
        <source>自动（.prj 或坐标数值）</source>
        <extracomment>(label, --crs value) of a layer&apos;s CRS combo; None: the .prj, else the numbers</extracomment>
        <translation>Auto (.prj or values)</translation>
    </message>
    <message>
        <source>CGCS2000 经纬度 (EPSG:4490)</source>
        <translation>CGCS2000 lon/lat (EPSG:4490)</translation>
    </message>
    <message>
        <source>WGS 84 经纬度 (EPSG:4326)</source>
        <translation>WGS 84 lon/lat (EPSG:4326)</translation>
    </message>
    <message>
        <source>GCJ-02（高德、腾讯等网络地图）</source>
        <translation>GCJ-02 (AMap, Tencent and other web maps)</translation>
    </message>
    <message>
        <source>BD-09（百度地图）</source>
        <translation>BD-09 (Baidu Maps)</translation>
    </message>
    <message>
        <source>CGCS2000 3 度带 39 带，含带号 (EPSG:4527)</source>
        <translation>CGCS2000 3° zone 39, with zone number (EPSG:4527)</translation>
    </message>
    <message>
        <source>CGCS2000 3 度带 117°E，不含带号 (EPSG:4548)</source>
        <translation>CGCS2000 3° zone 117°E, without zone number (EPSG:4548)</translation>
    </message>
    <message>
        <source>Web 墨卡托 (EPSG:3857)</source>
        <translation>Web Mercator (EPSG:3857)</translation>
    </message>
    <message>
        <source>自动（.cpg 或评分）</source>
        <translation>Automatic (.cpg or scoring)</translation>
    </message>
    <message>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>读取 {name}</source>
        <extracomment>the steps the importer (app/district_io) reports, in its words: (pattern, text with {n})</extracomment>
        <translation>Reading {name}</translation>
    </message>
    <message>
        <source>坐标与几何 {name}</source>
        <translation>Coordinates and geometry: {name}</translation>
    </message>
    <message>
        <source>层级与拓扑检查</source>
        <translation>Checking hierarchy and topology</translation>
    </message>
    <message>
        <source>其他图层</source>
        <translation>Other layers</translation>
    </message>
    <message>
        <source>写入数据库…</source>
        <translation>Writing to the database…</translation>
    </message>
    <message>
        <source>准备写入</source>
        <translation>Preparing to write</translation>
    </message>
    <message>
        <source>汇总人口并写入审计记录</source>
        <translation>Summing population and writing the audit record</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>写入{what} {done}/{total}</source>
        <translation>Writing {what} {done}/{total}</translation>
    </message>
    <message>
        <source>新建辖区文件 {path}</source>
        <extracomment>the new district file&apos;s name when nothing else is said</extracomment>
        <translation>New district file {path}</translation>
    </message>
    <message>
        <source>当前打开的辖区（与现有边界比较，保留案件与哨令）</source>
        <translation>The district open now (compared with its boundaries; cases and whistles kept)</translation>
    </message>
    <message>
        <source>导入的边界</source>
        <extracomment>metres a degree of latitude spans (for the span of a centred view)</extracomment>
        <translation>Imported boundaries</translation>
    </message>
    <message>
        <source>当前辖区</source>
        <translation>Current district</translation>
    </message>
    <message>
        <source>所选问题</source>
        <translation>Selected problem</translation>
    </message>
</context>
<context>
    <name>DistrictImportCounts</name>
    <message>
        <source>各级网格单元</source>
        <extracomment>what is written, per table of the import&apos;s counts (a context of their own: plurals)</extracomment>
        <translation>Grid units (all levels)</translation>
    </message>
    <message>
        <source>区</source>
        <translation>Districts</translation>
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
        <source>网格</source>
        <translation>Grids</translation>
    </message>
    <message>
        <source>建筑</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>建筑人口</source>
        <translation>Building population rows</translation>
    </message>
    <message>
        <source>商户</source>
        <translation>Merchants</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Cameras</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Departments</translation>
    </message>
    <message>
        <source>案件分类</source>
        <translation>Case categories</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Accounts</translation>
    </message>
</context>
<context>
    <name>FilesPage</name>
    <message>
        <source>矢量与表格 (*.shp *.gpkg *.geojson *.json *.js *.csv *.txt *.xlsx);;Shapefile (*.shp);;GeoPackage (*.gpkg);;GeoJSON (*.geojson *.json *.js);;CSV / Excel (*.csv *.txt *.xlsx);;所有文件 (*)</source>
        <translation>Vector and table files (*.shp *.gpkg *.geojson *.json *.js *.csv *.txt *.xlsx);;Shapefile (*.shp);;GeoPackage (*.gpkg);;GeoJSON (*.geojson *.json *.js);;CSV / Excel (*.csv *.txt *.xlsx);;All files (*)</translation>
    </message>
    <message>
        <source>第 1 步&#x3000;选择文件</source>
        <translation>Step 1 · Choose files</translation>
    </message>
    <message>
        <source>边界（街道、社区、网格）、建筑、摄像头、人员、部门：Shapefile、GeoPackage、GeoJSON、CSV 或 Excel，可一次选多个文件。</source>
        <translation>Boundaries (streets, communities, grids), buildings, cameras, staff, departments: Shapefile, GeoPackage, GeoJSON, CSV or Excel. Several files can be chosen at once.</translation>
    </message>
    <message>
        <source>添加文件…</source>
        <translation>Add files…</translation>
    </message>
    <message>
        <source>移除所选</source>
        <translation>Remove selected</translation>
    </message>
    <message>
        <source>新建辖区文件</source>
        <translation>New district file</translation>
    </message>
    <message>
        <source>导入到当前打开的辖区（与现有边界比较，保留案件与哨令）</source>
        <translation>Into the district open now (compared with its boundaries; cases and whistles kept)</translation>
    </message>
    <message>
        <source>新辖区的 .duckdb 文件</source>
        <translation>The new district&apos;s .duckdb file</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>可选：上次保存的字段映射（TOML 或 JSON）</source>
        <translation>Optional: a field mapping saved last time (TOML or JSON)</translation>
    </message>
    <message>
        <source>可选：由街道合成区时的区名称</source>
        <translation>Optional: the district&apos;s name when it is built from its streets</translation>
    </message>
    <message>
        <source>字段映射文件</source>
        <translation>Field mapping file</translation>
    </message>
    <message>
        <source>属性表编码</source>
        <translation>Attribute encoding</translation>
    </message>
    <message>
        <source>区名称</source>
        <translation>District name</translation>
    </message>
    <message>
        <source>导入到</source>
        <translation>Import into</translation>
    </message>
    <message>
        <source>选择要导入的文件</source>
        <translation>Choose files to import</translation>
    </message>
    <message>
        <source>新辖区文件</source>
        <translation>New district file</translation>
    </message>
    <message>
        <source>GridCC 辖区 (*.duckdb)</source>
        <translation>GridCC district (*.duckdb)</translation>
    </message>
    <message>
        <source>映射文件 (*.toml *.json)</source>
        <translation>Mapping files (*.toml *.json)</translation>
    </message>
    <message>
        <source>请指定新辖区文件的位置（.duckdb）</source>
        <translation>Please give the new district file&apos;s location (.duckdb)</translation>
    </message>
    <message>
        <source>{path} 已存在：新建辖区请换一个文件名，更新现有辖区请打开它后再导入</source>
        <translation>{path} already exists: choose another name for a new district; to update an existing district, open it and import there</translation>
    </message>
    <message>
        <source>读取文件…</source>
        <translation>Reading files…</translation>
    </message>
    <message>
        <source>文件中没有可导入的图层</source>
        <translation>The files hold no layer to import</translation>
    </message>
    <message>
        <source>已取消读取</source>
        <translation>Reading cancelled</translation>
    </message>
    <message>
        <source>读取失败：{reason}</source>
        <translation>Reading failed: {reason}</translation>
    </message>
    <message>
        <source>…… 另有 {n} 条</source>
        <translation>… and {n} more</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>导入辖区数据</source>
        <extracomment>the import was committed: the district file (None: the district open in the window)</extracomment>
        <translation>Import district data</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>第 2 步&#x3000;图层与字段映射</source>
        <translation>Step 2 · Layers and field mapping</translation>
    </message>
    <message>
        <source>已按常见字段名自动对应（名称/网格名称/NAME、编码/网格编码/CODE、层数……），可逐项修改；带 * 的为必填。下方是按当前映射读出的前 {n} 条记录。</source>
        <translation>Fields are matched by their usual names (名称/网格名称/NAME, 编码/网格编码/CODE, 层数 …); change any of them. Fields marked * are required. Below: the first {n} records as mapped now.</translation>
    </message>
    <message>
        <source>图层内容</source>
        <translation>Layer holds</translation>
    </message>
    <message>
        <source>边界层级</source>
        <translation>Boundary level</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>文件中的字段</source>
        <translation>Field in the file</translation>
    </message>
    <message>
        <source>保存映射…</source>
        <translation>Save mapping…</translation>
    </message>
    <message>
        <source>把各图层的内容与字段对应保存为 TOML 或 JSON，下次导入时在第 1 步选用</source>
        <translation>Save each layer&apos;s content and field mapping as TOML or JSON, to choose in step 1 next time</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>预览（按当前映射）</source>
        <translation>Preview (as mapped now)</translation>
    </message>
    <message>
        <source>{n} 条</source>
        <translation>{n} records</translation>
    </message>
    <message>
        <source>{driver} · 编码 {encoding} · 几何 {geometry} · 字段 {n} 个</source>
        <translation>{driver} · encoding {encoding} · geometry {geometry} · {n} fields</translation>
    </message>
    <message>
        <source>无（表格）</source>
        <translation>none (table)</translation>
    </message>
    <message>
        <source>保存字段映射</source>
        <translation>Save field mapping</translation>
    </message>
    <message>
        <source>导入映射.toml</source>
        <translation>import_mapping.toml</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>第 4 步&#x3000;检查报告</source>
        <extracomment>the tree lists this many findings of a severity (the rest counted on a last line)</extracomment>
        <translation>Step 4 · Validation report</translation>
    </message>
    <message>
        <source>点击带 ◎ 的条目，右图定位到该处。有错误时不能导入：返回修改映射或坐标系，或在上一步勾选修复。</source>
        <translation>Click an entry marked ◎ to show its place on the map. With errors nothing can be imported: go back to change the mapping or CRS, or tick Repair in the previous step.</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Finding</translation>
    </message>
    <message>
        <source>选中一条查看完整说明。</source>
        <translation>Select an entry to see it in full.</translation>
    </message>
    <message>
        <source>正在检查层级、拓扑与其他图层……</source>
        <translation>Checking hierarchy, topology and the other layers…</translation>
    </message>
    <message>
        <source>层级与拓扑检查…</source>
        <translation>Checking hierarchy and topology…</translation>
    </message>
    <message>
        <source>已取消检查</source>
        <translation>Check cancelled</translation>
    </message>
    <message>
        <source>检查失败：{reason}</source>
        <translation>Check failed: {reason}</translation>
    </message>
    <message>
        <source>{n} 个错误，不能导入</source>
        <translation>{n} errors, cannot import</translation>
    </message>
    <message>
        <source>可以导入</source>
        <translation>Ready to import</translation>
    </message>
    <message>
        <source>&#x3000;警告 {warnings}&#x3000;修复 {repairs}</source>
        <translation> · Warnings {warnings} · Repairs {repairs}</translation>
    </message>
    <message>
        <source>将写入：{counts}</source>
        <translation>To be written: {counts}</translation>
    </message>
    <message>
        <source>与现有边界相比：新增 {added}，变化 {changed}，删除 {removed}，不变 {unchanged}</source>
        <translation>Against the current boundaries: {added} added, {changed} changed, {removed} removed, {unchanged} unchanged</translation>
    </message>
    <message>
        <source>{severity}（{n}）</source>
        <translation>{severity} ({n})</translation>
    </message>
    <message>
        <source>（导入）</source>
        <translation>(import)</translation>
    </message>
    <message>
        <source>…… 另有 {n} 条（完整报告见命令行 --dry-run）</source>
        <translation>… and {n} more (full report: --dry-run on the command line)</translation>
    </message>
    <message>
        <source>&#x3000;［位置 {lon}, {lat}］</source>
        <translation>  [at {lon}, {lat}]</translation>
    </message>
</context>
<context>
    <name>StepRunner</name>
    <message>
        <source>写入中，不能取消</source>
        <translation>Writing, cannot cancel</translation>
    </message>
    <message>
        <source>取消</source>
        <extracomment>how often the GUI thread shows the worker&apos;s latest progress (ms) busy (True while a step runs) the step passed its point of no return (it writes now; 取消 no longer possible)</extracomment>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
</context>
</TS>
