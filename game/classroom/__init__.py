"""The teacher's kit: class rules, exports for grading, the class report and what-if replays.

A layer of its own between ``saves`` and ``app`` (no Textual): the game's screens and the
command line use it alike.

>>> rules = ClassRules.from_file("content/base/classes/one_period_demo.toml", world)
>>> game = rules.new_game(world, "Ana García")          # the class's scenario, seed, pins, locks
>>> write_exports(game, rules.session("Ana García"))    # Markdown and CSV in the reports folder
"""

from game.classroom.rules import (
    ClassError,
    ClassRules,
    ClassSession,
    class_file,
    pair_name,
    student_key,
    student_name,
)

__all__ = [
    "ClassError", "ClassRules", "ClassSession", "class_file", "pair_name", "student_key", "student_name"
]
