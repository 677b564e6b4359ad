"""Widgets of the game screens, one a module: header, dashboard, action panel and detail, news, chart."""
