"""The game's screens, one a module; the app imports each when the player first opens it."""
