<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
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
        <source>操作未完成：{reason}</source>
        <translation>The action did not complete: {reason}</translation>
    </message>
</context>
</TS>
