"""The transport's bookkeeping of time: pacing per host and the deadlines of a request and a command.

No I/O and no HTTP library here (httpx stays in sources/http.py): ``Pacing`` remembers when each
paced host was last asked and sleeps until its turn; ``Deadlines`` says when a request must end
(its own budget, or the command's if that ends sooner) and words which budget ran out. Both use
the clock and sleep the transport was given, so tests never sleep.
"""

from __future__ import annotations

from collections.abc import Callable


class Pacing:
    """At least ``pace(host, seconds)`` from the end of one request to a host to the start of the next."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._intervals: dict[str, float] = {}
        self._names: dict[str, str] = {}
        self._last: dict[str, float] = {}

    def pace(self, host: str, seconds: float, name: str | None = None) -> None:
        """Keep ``seconds`` between requests to ``host`` (the longest asked wins); call it ``name``."""
        self._intervals[host] = max(seconds, self._intervals.get(host, 0.0))
        if name:
            self._names[host] = name

    def name(self, host: str) -> str:
        """What messages call ``host``: the name it was paced with, else itself."""
        return self._names.get(host, host)

    def wait_for_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is None:
            return
        gap = last + self._intervals.get(host, 0.0) - self._clock()
        if gap > 0:
            self._sleep(gap)

    def done(self, host: str) -> None:
        """A request to ``host`` ended (failures too: a refused connection still counts as a request)."""
        if host in self._intervals:
            self._last[host] = self._clock()


class Deadlines:
    """When a request must end: within its own budget, and within the command's once that is set."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._command_deadline: float | None = None
        self._command_budget = 0.0

    def limit_command(self, seconds: float) -> None:
        """From now on, every request must end within ``seconds`` in total."""
        self._command_budget = seconds
        self._command_deadline = self._clock() + seconds

    def deadline(self, budget: float) -> float:
        """The clock reading a request given ``budget`` seconds, starting now, must end by."""
        deadline = self._clock() + budget
        return deadline if self._command_deadline is None else min(deadline, self._command_deadline)

    def words(self, deadline: float, budget: float) -> str:
        """Which budget ``deadline`` came from: "the command's 60 s budget" or "30 s budget"."""
        if self._command_deadline is not None and deadline == self._command_deadline:
            return f"the command's {self._command_budget:g} s budget"
        return f"{budget:g} s budget"

    def the_budget(self, deadline: float, budget: float) -> str:
        words = self.words(deadline, budget)
        return words if words.startswith("the ") else f"the {words}"
