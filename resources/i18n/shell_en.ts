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
</context>
</TS>
