"""Room sizing: memory per served player and time to first screen, one tab alone and N at once.

Starts `borderline serve` on a free localhost port and opens headless Chromium tabs in it
(tests/browser_room.py; needs chromium and chromedriver). Measures, in one run:

- the first screen (the game asking the student's name) for one tab alone: the baseline;
- the same for N tabs opened at the same moment, and its ratio to the baseline;
- the memory of each game process (PSS: shared pages split between the processes that
  share them; RSS beside it) at the first screen, after every student has named themselves,
  started a game and ended a turn, and again late in the game (``--turns``, default 20:
  every tab keeps ending turns, answering each dilemma with its first choice and closing
  the news); the server's own memory;
- the processor time (user+sys) the games and the server used, and the load average, since
  times on a shared machine mean little without them.

Then works out how many students a laptop serves from the memory left after the system
and the teacher's own programs (``--laptop-gib``, ``--reserve-gib``). The browsers run on
this machine too, but their memory is not counted: in a room they run on the students'.

    python benchmarks/room_sizing.py [--players 10] [--turns 20] [--laptop-gib 8] [--reserve-gib 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the room and tab helpers the browser test uses

from browser_room import (  # noqa: E402  (after the path it is found on)
    CHROMEDRIVER,
    CHROMIUM,
    NO_BROWSER,
    open_browser,
    press,
    screen_stream,
    start_room,
    stop_room,
    wait_for_text,
)

MIB = 1024 * 1024


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def memory(pid: int) -> tuple[float, float]:
    """(PSS, RSS) of a process in MiB, from /proc/PID/smaps_rollup."""
    values = {"Pss:": 0.0, "Rss:": 0.0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, *rest = line.split()
            if key in values:
                values[key] = float(rest[0]) * 1024 / MIB
    except OSError:
        pass
    return values["Pss:"], values["Rss:"]


def game_processes(server: int) -> list[int]:
    """The served games: Python processes below the server started with --served (not the shell)."""
    found = []
    for pid in descendants(server):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--served" in argv and b"game" in argv and not argv[0].endswith(b"sh"):
            found.append(pid)
    return found


def first_screen(driver: Any, url: str) -> float:
    """Seconds from asking for the page to the game's first screen in the tab."""
    start = time.monotonic()
    driver.get(url)
    return wait_for_text(driver, "your name", timeout=120) - start


def play_a_turn(driver: Any, name: str) -> None:
    from selenium.webdriver.common.keys import Keys

    press(driver, name + Keys.ENTER)
    wait_for_text(driver, "Ready:", timeout=180)
    press(driver, "n")
    wait_for_text(driver, "choose a scenario", timeout=120)
    press(driver, Keys.ENTER)
    wait_for_text(driver, "End turn", timeout=120)
    press(driver, "e")


def cpu_seconds(pid: int) -> float:
    """User+system processor seconds a process has used, its waited-for children's included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def turn_saved(saves: Path, name: str, turn: int) -> bool:
    from game.app.saving import safe_name

    return any((saves / safe_name(name) / "autosaves").glob(f"*-turn{turn:02d}.json"))


def last_dialog(driver: Any) -> int:
    """Where in the tab's stream the newest dilemma or news dialog was drawn (-1: none yet), found
    by their hints in plain ASCII (a multi-byte character may be split between two frames)."""
    stream = screen_stream(driver)
    return max(stream.rfind("enter decide"), stream.rfind("enter to continue"))


def play_turns(drivers: list[Any], names: list[str], saves: Path, last: int, timeout: float) -> None:
    """Every tab ends turns 2..``last`` (all tabs at once, turn by turn) until each turn's
    autosave is written: a dilemma gets its first choice, the news is closed, and a tab that
    shows nothing new for a few seconds is asked to end the turn again."""
    from selenium.webdriver.common.keys import Keys

    deadline = time.monotonic() + timeout
    answered = {id(d): -1 for d in drivers}
    stuck_since: dict[int, float] = {}
    for turn in range(2, last + 1):
        pressed = {}
        for driver in drivers:
            press(driver, "e")
            pressed[id(driver)] = time.monotonic()
        waiting = list(zip(drivers, names, strict=True))
        while waiting:
            if time.monotonic() > deadline:
                raise SystemExit(f"turn {turn} did not resolve for {len(waiting)} tabs in time")
            for driver, name in list(waiting):
                if turn_saved(saves, name, turn):
                    waiting.remove((driver, name))
                    stuck_since.pop(id(driver), None)
                    continue
                dialog = last_dialog(driver)
                if dialog > answered[id(driver)]:
                    answered[id(driver)] = dialog
                    press(driver, Keys.ENTER)
                    pressed[id(driver)] = time.monotonic()
                elif time.monotonic() - pressed[id(driver)] > 8:
                    press(driver, "e")
                    pressed[id(driver)] = time.monotonic()
                    stuck = stuck_since.setdefault(id(driver), time.monotonic())
                    if time.monotonic() - stuck > 90:
                        tail = screen_stream(driver)[-400:]
                        print(f"{name} stuck at turn {turn}: {tail!r}", file=sys.stderr)
                        stuck_since[id(driver)] = time.monotonic()
            time.sleep(0.3)
        # a dialog opened by the turn just resolved is answered before the next turn's "e"
        for driver in drivers:
            dialog = last_dialog(driver)
            if dialog > answered[id(driver)]:
                answered[id(driver)] = dialog
                press(driver, Keys.ENTER)


def wait_for_games(server: int, count: int, timeout: float = 60.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        games = game_processes(server)
        if len(games) == count:
            return games
        time.sleep(0.2)
    raise SystemExit(f"expected {count} game processes, found {len(game_processes(server))}")


def mib(values: list[float]) -> str:
    return f"mean {statistics.mean(values):.0f} MiB, max {max(values):.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10, help="tabs opened at once (default 10)")
    parser.add_argument(
        "--turns", type=int, default=20, help="turns every tab plays for the late-game memory (default 20)"
    )
    parser.add_argument(
        "--laptop-gib", type=float, default=8.0, help="the teacher's laptop memory (default 8)"
    )
    parser.add_argument(
        "--reserve-gib", type=float, default=3.0, help="kept for the system and the teacher (default 3)"
    )
    args = parser.parse_args()
    if CHROMIUM is None or CHROMEDRIVER is None:
        print(NO_BROWSER, file=sys.stderr)
        return 2
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="room-sizing-") as tmp:
        folder = Path(tmp)
        process, port = start_room(folder, "--max-players", str(args.players + 1))
        url = f"http://127.0.0.1:{port}/"
        try:
            server_pss, server_rss = memory(process.pid)
            # the baseline: one tab alone
            lone = open_browser(folder / "profile-alone")
            try:
                alone = first_screen(lone, url)
                (game,) = wait_for_games(process.pid, 1)
                alone_pss, alone_rss = memory(game)
            finally:
                lone.quit()
            wait_for_games(process.pid, 0)
            # N tabs at once: browsers started first, then every page asked for at the same moment
            drivers = [open_browser(folder / f"profile-{i}") for i in range(args.players)]
            times: list[float] = [0.0] * len(drivers)
            errors: list[BaseException] = []

            def tab(i: int, barrier: threading.Barrier) -> None:
                try:
                    barrier.wait()
                    times[i] = first_screen(drivers[i], url)
                except BaseException as exc:  # reported after the threads join
                    errors.append(exc)

            barrier = threading.Barrier(len(drivers))
            threads = [threading.Thread(target=tab, args=(i, barrier)) for i in range(len(drivers))]
            try:
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if errors:
                    raise errors[0]
                games = wait_for_games(process.pid, len(drivers))
                at_first = [memory(pid) for pid in games]
                start = time.monotonic()
                names = [f"Student {i + 1}" for i in range(len(drivers))]
                for driver, name in zip(drivers, names, strict=True):
                    play_a_turn(driver, name)
                saves = folder / "saves"
                while len(list(saves.glob("*/autosaves/*-turn01.json"))) < len(drivers):
                    if time.monotonic() - start > 600:
                        raise SystemExit("the students' first turns did not all resolve in 10 minutes")
                    time.sleep(0.5)
                in_game = [memory(pid) for pid in game_processes(process.pid)]
                turn_one_load = os.getloadavg()
                late_start, late_cpu0 = time.monotonic(), sum(cpu_seconds(g) for g in games)
                play_turns(drivers, names, saves, args.turns, timeout=300.0 * args.turns)
                late_wall = time.monotonic() - late_start
                late_cpu = sum(cpu_seconds(g) for g in games) - late_cpu0
                late = [memory(pid) for pid in game_processes(process.pid)]
                late_load = os.getloadavg()
                server_after = memory(process.pid)
                server_cpu = cpu_seconds(process.pid)
                game_cpu = sum(cpu_seconds(g) for g in games)
            finally:
                for driver in drivers:
                    driver.quit()
        finally:
            stop_room(process)
    median = statistics.median(times)
    per_player = statistics.mean(p for p, _ in late)
    usable = (args.laptop_gib - args.reserve_gib) * 1024 - server_after[0]
    print(f"server: PSS {server_pss:.0f} MiB at start, {server_after[0]:.0f} MiB with {len(games)} games")
    lone_text = f"its game PSS {alone_pss:.0f} MiB (RSS {alone_rss:.0f})"
    print(f"one tab alone: first screen {alone:.2f} s; {lone_text}")
    print(
        f"{len(times)} tabs at once: first screen median {median:.2f} s, max {max(times):.2f} s; "
        f"ratio to alone {median / alone:.2f}x (max {max(times) / alone:.2f}x)"
    )
    late_when = f"after {args.turns} turns"
    for when, values in (("at the first screen", at_first), ("after a turn", in_game), (late_when, late)):
        pss, rss = mib([p for p, _ in values]), mib([r for _, r in values])
        print(f"game PSS {when}: {pss} (RSS {rss})")
    print(
        f"turns 2-{args.turns} for {len(games)} tabs: {late_wall:.0f} s wall, {late_cpu:.0f} s CPU "
        f"(user+sys) in the games, {late_cpu / max(1, len(games) * (args.turns - 1)):.2f} s a turn"
    )
    print(f"processor time (user+sys): games {game_cpu:.0f} s in all, server {server_cpu:.1f} s")
    loads = " | ".join(" ".join(f"{x:.2f}" for x in load) for load in (turn_one_load, late_load))
    print(f"load average after turn 1 | after turn {args.turns}: {loads}")
    print(
        f"a {args.laptop_gib:g} GiB laptop keeping {args.reserve_gib:g} GiB for itself serves about "
        f"{int(usable // per_player)} students by memory ({per_player:.0f} MiB each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
