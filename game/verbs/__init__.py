"""The ``borderline`` command's verbs, one module each (``game.cli`` parses the command line
and hands each verb its arguments). Every verb is imported when it runs, never at start-up,
so ``borderline --help`` and the game itself start without them."""
