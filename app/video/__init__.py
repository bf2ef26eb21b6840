"""Video wall domain (视频墙), Qt-free: stream URLs, camera registry, layouts, tours, health.

The Qt tiles in ``ui/video`` play what these modules resolve; ``app/`` itself never
touches QtMultimedia (the health check decodes through Debian's ffmpeg instead).
"""
