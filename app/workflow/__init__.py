"""The case closed loop (事件闭环) and the whistle (街道吹哨、部门报到), Qt-free."""
