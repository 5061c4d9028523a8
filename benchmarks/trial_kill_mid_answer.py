"""A trial behind the README's "a Rasa server dies while answering" (not a test: it needs more
than two minutes of waiting, and what Rasa's lock does then depends on timing).

    .venv/bin/python benchmarks/trial_kill_mid_answer.py

Starts the scaled deployment (two Rasa servers), sends a message and SIGKILLs the Rasa server
that is answering it, then sends the same conversation's next message while other
conversations keep talking every 5 s, and prints what each got and how long it took.
Seen on 2026-11-30 with stock Rasa's lock: the killed message 502; the next one 504 after nginx's
120 s; the one after that answered at once; 24 messages of other conversations meanwhile all 200
in <= 0.07 s. With actions/lock_recovery.py: the next message 200 after 60.1 s (the dead ticket's
lifetime), other conversations all 200 in <= 0.03 s. The automated version, with a shorter
ticket lifetime, is tests/production/test_scaled_kill_mid_answer.py.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.production.scaled_support import TODAY, ScaledDeployment  # noqa: E402


async def trial(deployment: ScaledDeployment) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
        async def say(sender: str, text: str):
            started = time.perf_counter()
            body = {"sender": sender, "message": text, "metadata": {"today": TODAY}}
            async with session.post(f"{deployment.url}/webhooks/rest/webhook", json=body) as response:
                await response.read()
                return response.status, round(time.perf_counter() - started, 2)

        print("first message:", await say("trial", "hello"), flush=True)
        for _attempt in range(20):
            answering = asyncio.create_task(
                say("trial", "left my job 3/14, they offset the loan on June 30, I'm 41, owed about 12k"))
            await asyncio.sleep(0.03)
            killed = None
            for number, port in enumerate(deployment.rasa_ports, 1):
                connections = subprocess.run(["ss", "-tn", "state", "established", f"( sport = :{port} )"],
                                             capture_output=True, text=True).stdout
                if connections.count("\n") > 1:  # this server has the request
                    killed = number
                    os.kill(deployment.rasa_pid(number), signal.SIGKILL)
                    break
            result = await answering
            print(f"message being answered when server {killed} was killed:", result, flush=True)
            if killed and result[0] == 502:
                break
            if killed:
                print("the server had answered before it died; run the trial again")
                return
        started = time.perf_counter()
        next_message = asyncio.create_task(say("trial", "yes"))
        others = []
        while not next_message.done():
            others.append(await say(f"trial-other-{len(others)}", "hello"))
            await asyncio.sleep(5)
        print("that conversation's next message:", next_message.result(), flush=True)
        print(f"other conversations meanwhile: statuses {sorted({s for s, _ in others})}, "
              f"slowest {max(t for _, t in others)} s, {len(others)} messages", flush=True)
        print("the message after that:", await say("trial", "yes"),
              f"at {round(time.perf_counter() - started)} s", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="trial-kill-") as workdir:
        deployment = ScaledDeployment(Path(workdir))
        deployment.start()
        try:
            asyncio.run(trial(deployment))
        finally:
            deployment.stop()


if __name__ == "__main__":
    main()
