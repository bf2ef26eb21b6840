"""Video wall UI (视频墙): QtMultimedia playback tiles, the wall and the camera list."""
