<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Alarms</name>
    <message>
        <source>静音</source>
        <extracomment>how often the open whistles are compared with the clock (a deadline passing) a sound does not ring again within this many seconds (a burst rings once) what rang, in order (sound names; what tests and the log look at) sound name → QSoundEffect (none where nothing can be heard: offscreen)</extracomment>
        <translation>Mute</translation>
    </message>
    <message>
        <source>告警提示音静音（本次值班）</source>
        <translation>Mute alarm sounds (this shift)</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>GridCC 网格化管理指挥中心</source>
        <extracomment>give up waiting for the first paint of an offscreen screenshot after this long</extracomment>
        <translation>GridCC Grid Management Command Centre</translation>
    </message>
    <message>
        <source>无法打开指挥中心：{reason}</source>
        <translation>Cannot open the command centre: {reason}</translation>
    </message>
    <message>
        <source>终端接入未能启动，改用模拟巡查：{reason}</source>
        <translation>The device intake did not start; using the simulated patrols: {reason}</translation>
    </message>
    <message>
        <source>操作未完成：{reason}</source>
        <translation>The action did not complete: {reason}</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>已自动备份：{file}</source>
        <extracomment>a backup was made (its path) or failed (the reason), for the status bar</extracomment>
        <translation>Backed up automatically: {file}</translation>
    </message>
    <message>
        <source>自动备份未成功：{reason}</source>
        <translation>Automatic backup failed: {reason}</translation>
    </message>
</context>
<context>
    <name>Login</name>
    <message>
        <source>用户名或密码错误</source>
        <extracomment>the refusals of app.auth (one Chinese line each) in the interface language: the pattern of app&apos;s text and the template it becomes; anything else is shown as given</extracomment>
        <translation>Wrong user name or password</translation>
    </message>
    <message>
        <source>用户名或密码错误（还可再试 {left} 次）</source>
        <translation>Wrong user name or password (attempts left: {left})</translation>
    </message>
    <message>
        <source>密码错误，已连续 {count} 次；账号 {user} 已被锁定，请联系系统管理员解锁</source>
        <translation>Wrong password {count} times in a row; account {user} is locked. Ask the system administrator to unlock it</translation>
    </message>
    <message>
        <source>账号 {user} 因连续 {count} 次登录失败已被锁定，请联系系统管理员解锁</source>
        <translation>Account {user} is locked after {count} failed logins in a row. Ask the system administrator to unlock it</translation>
    </message>
    <message>
        <source>账号 {user} 不是这个区库的账号（没有连接权限）</source>
        <translation>{user} is not an account of this district database (no permission to connect)</translation>
    </message>
    <message>
        <source>账号 {user} 不是这个区库的账号</source>
        <translation>{user} is not an account of this district database</translation>
    </message>
    <message>
        <source>GridCC 登录</source>
        <translation>GridCC Sign in</translation>
    </message>
    <message>
        <source>网格化管理指挥中心</source>
        <extracomment>on a server: the district opened as the signed-in user (the caller&apos;s to close)</extracomment>
        <translation>Grid Management Command Centre</translation>
    </message>
    <message>
        <source>{user}（{role}）</source>
        <translation>{user} ({role})</translation>
    </message>
    <message>
        <source>演示账户已列出，选择后自动填入密码。</source>
        <translation>Demo accounts are listed; choosing one fills in its password.</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>只读浏览</source>
        <translation>Read-only view</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>GridCC 已锁定</source>
        <translation>GridCC Locked</translation>
    </message>
    <message>
        <source>{user}（{name}）</source>
        <translation>{user} ({name})</translation>
    </message>
    <message>
        <source>本席位因空闲已锁定，输入当前账号的密码继续值班。</source>
        <translation>This seat locked itself while idle. Enter the signed-in account&apos;s password to resume duty.</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>已锁定</source>
        <extracomment>what covers the window while locked (no case, person or track readable)</extracomment>
        <translation>Locked</translation>
    </message>
    <message>
        <source>空闲超过 {minutes} 分钟，已锁定；请输入密码解锁</source>
        <translation>Idle for more than {minutes} min, locked; enter the password to unlock</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>重启后生效</source>
        <translation>Takes effect after a restart</translation>
    </message>
    <message>
        <source>区县时间（{zone}）</source>
        <translation>District time ({zone})</translation>
    </message>
    <message>
        <source>只改变状态栏时钟的显示；案件、期限和回放始终按区县时间。重启后生效</source>
        <translation>Changes only the status bar clock; cases, deadlines and replay always use district time. Takes effect after a restart</translation>
    </message>
    <message>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <source>新的紧急案件、吹哨超时时响铃</source>
        <translation>Sound on a new urgent case or an overdue whistle</translation>
    </message>
    <message>
        <source>{volume} %</source>
        <translation>{volume} %</translation>
    </message>
    <message>
        <source>试听</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>紧急案件自动接管视频墙画面</source>
        <translation>Urgent cases take over a video wall tile</translation>
    </message>
    <message>
        <source>最久未操作的画面</source>
        <translation>Least recently used tile</translation>
    </message>
    <message>
        <source>画面 </source>
        <translation>Tile </translation>
    </message>
    <message>
        <source>告警声音</source>
        <translation>Alarm sound</translation>
    </message>
    <message>
        <source>音量</source>
        <translation>Volume</translation>
    </message>
    <message>
        <source>视频墙接管</source>
        <translation>Video wall take-over</translation>
    </message>
    <message>
        <source>接管画面</source>
        <translation>Take-over tile</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Off</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source>以化名显示人员，不显示电话号码</source>
        <translation>Show people under pseudonyms, hide phone numbers</translation>
    </message>
    <message>
        <source>空闲锁定</source>
        <translation>Idle lock</translation>
    </message>
    <message>
        <source>演示模式</source>
        <translation>Demonstration mode</translation>
    </message>
    <message>
        <source>MQTT 服务器</source>
        <translation>MQTT broker</translation>
    </message>
    <message>
        <source>HTTP 监听地址</source>
        <translation>HTTP listen address</translation>
    </message>
    <message>
        <source>离线告警</source>
        <translation>Offline after</translation>
    </message>
    <message>
        <source>出格告警</source>
        <translation>Out of grid after</translation>
    </message>
    <message>
        <source>两个地址都留空时使用模拟巡查；地址重启后生效，仅用于单机区县文件</source>
        <translation>With both addresses empty the patrols are simulated; addresses take effect after a restart, on a single-seat district file only</translation>
    </message>
    <message>
        <source>设置文件中有 {count} 项无法读取，已改用默认值；详见日志</source>
        <translation>{count} settings could not be read and were reset to their defaults; see the log</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <source>空闲锁定：工作席位无操作达到时长后锁定；大屏席位从不锁定</source>
        <translation>Idle lock: workstation seats lock after this long without input; the wall never locks</translation>
    </message>
    <message>
        <source>界面</source>
        <translation>Interface</translation>
    </message>
    <message>
        <source>告警</source>
        <translation>Alarms</translation>
    </message>
    <message>
        <source>安全与隐私</source>
        <translation>Security and privacy</translation>
    </message>
    <message>
        <source>终端接入</source>
        <translation>Device intake</translation>
    </message>
    <message>
        <source>MQTT 服务器应为 mqtt://用户:密码@主机:端口</source>
        <translation>The MQTT broker should be mqtt://user:password@host:port</translation>
    </message>
    <message>
        <source>HTTP 监听地址应为 主机:端口</source>
        <translation>The HTTP listen address should be host:port</translation>
    </message>
    <message>
        <source>设置未保存：{reason}</source>
        <translation>Settings not saved: {reason}</translation>
    </message>
</context>
</TS>
