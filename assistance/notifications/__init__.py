"""Notifications: the in-app inbox, each user's mail preferences, and the daily reminders (a subpackage of
the assistance app: same app label)."""
