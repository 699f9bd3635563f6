"""The broadcast pacer, on a virtual clock whose every wake-up comes a little late."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from itertools import pairwise

import pytest

from bot.pacing import Pacer
from tests.support.virtual_time import now, run

LAG = 0.002  # each wake-up this late, as on a real loop; within the pacer's slack


def most_within_a_second(stamps: list[float]) -> int:
    """The most messages in any 1-second window (less a nanosecond: float rounding of the grid)."""
    stamps = sorted(stamps)
    return max(bisect_left(stamps, s + 1 - 1e-9) - i for i, s in enumerate(stamps))


async def sequential(pacer: Pacer, count: int) -> list[float]:
    stamps = []
    for chat_id in range(count):
        await pacer.slot(chat_id)
        stamps.append(now())
    return stamps


def test_late_wakeups_do_not_add_up() -> None:
    stamps = run(sequential(Pacer(per_second=25), 101), lag=LAG)
    # The first goes at once and each later one LAG late: 4.002 s, where a pacer waiting one
    # interval after each message takes 100 × 42 ms.
    assert stamps[-1] - stamps[0] == pytest.approx(100 / 25 + LAG)
    assert most_within_a_second(stamps) == 25


def test_calls_overlap_and_no_second_holds_more_than_the_rate() -> None:
    async def broadcast() -> tuple[list[float], int]:
        pacer = Pacer(per_second=25)
        stamps: list[float] = []
        in_flight = most = 0
        chats = iter(range(200))

        async def worker() -> None:
            nonlocal in_flight, most
            for chat_id in chats:  # shared: each chat goes to one worker
                await pacer.slot(chat_id)
                stamps.append(now())
                in_flight += 1
                most = max(most, in_flight)
                await asyncio.sleep(0.2)  # the Bot API answers after 200 ms
                in_flight -= 1
                pacer.answered(chat_id)

        async with asyncio.TaskGroup() as group:
            for _ in range(25):
                group.create_task(worker())
        return stamps, most

    stamps, most = run(broadcast(), lag=LAG)
    assert most >= 5  # 200 ms ÷ 40 ms: a sequential sender would manage 5 a second
    assert stamps[-1] - stamps[0] == pytest.approx(199 / 25 + LAG)
    assert most_within_a_second(stamps) == 25


@pytest.mark.parametrize("gap", ["429", "idle"])
def test_after_a_pause_the_grid_starts_again_without_a_burst(gap: str) -> None:
    async def sends() -> list[float]:
        pacer = Pacer(per_second=25)
        before = await sequential(pacer, 10)
        if gap == "429":
            pacer.pause(1.5)  # Telegram: retry after 1.5 s
        else:
            await asyncio.sleep(1.5)  # nothing to send for a while
        return before + await sequential(pacer, 40)

    stamps = run(sends(), lag=LAG)
    assert stamps[10] - stamps[9] >= 1.5
    # The ~37 slots the pause covered are not made up: the grid restarts at the first send.
    gaps = [b - a for a, b in pairwise(stamps[10:])]
    assert gaps == pytest.approx([0.04 + LAG] + [0.04] * 38)
    assert most_within_a_second(stamps) == 25


def test_a_429_also_holds_a_slot_already_waited_for() -> None:
    async def sends() -> float:
        pacer = Pacer(per_second=1)
        await pacer.slot(1)
        waiting = asyncio.create_task(pacer.slot(2))  # due one second after the first
        await asyncio.sleep(0.5)
        pacer.pause(2.0)  # a 429 answered to another send
        await waiting
        return now()

    assert run(sends()) == pytest.approx(2.5)


def test_one_chat_gets_one_message_a_chat_gap() -> None:
    async def sends() -> list[float]:
        pacer = Pacer(per_second=1000, chat_gap=0.2)
        stamps = []
        for chat_id in (1, 1, 2):
            await pacer.slot(chat_id)
            stamps.append(now())
            pacer.answered(chat_id)
        return stamps

    first, again, other = run(sends())
    assert (again - first, other - again) == pytest.approx((0.2, 0.001))
