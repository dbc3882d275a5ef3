"""The work after an ack, in processes of its own.

Slack wants every request acknowledged within 3 seconds, and a Python process runs Python on one
core at a time: while a command's 15 to 25 ms of work runs in the serving process, the acks of
the requests behind it wait for the interpreter lock. So the serving process only verifies the
signature, acknowledges and hands the request on; these processes do the work.

A listener registered with handlers.after_ack gets, in the serving process, an ack function from
`WorkProcesses.acknowledging`: it puts (listener's name, request body) on the next work process's
queue and acks. That process dispatches the body to its own copy of the same app as a Bolt
lazy-only request, which runs just the named listener. A form (handlers.after_ack's
`answered_in_ack`) is dispatched there as it came, and its acknowledgement is sent back on the
process's answer queue for the serving process to send. Either way the work process takes the
delivery first (handlers.deliveries), so a request Slack sent twice runs once.

The work processes run at a lower CPU priority, so on a busy machine an acknowledgement is never
queued behind a command's work. A work process that dies is replaced within a second; the requests
it held are lost, as they would be in a serving process that died after its ack.
"""

from __future__ import annotations

import itertools
import json
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.util.utils import get_name_for_callable

from config import Settings, configure_logging
from runtime.parts import service_context, slack_app

log = logging.getLogger("dvpn.work")

NICENESS = 10  # below the serving process: acknowledgements first, work with what is left
WATCH_EVERY = 1.0  # seconds between checks that every work process is alive
# A form's answer must reach Slack within its 3 seconds. A form not started within START_WITHIN
# is never started (the officer is told to submit again); one started has until ANSWER_WITHIN.
START_WITHIN = 1.5
ANSWER_WITHIN = 2.6
BUSY = "dvpn-bot is too busy to check this just now. Nothing was saved: submit again in a minute."
WORK_APPLICATION = "dvpn-bot work"  # its connections' application_name in PostgreSQL
LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_FUNCTION = "x-slack-bolt-lazy-function-name"


@dataclass(frozen=True)
class Job:
    """What crosses to a work process (picklable, no Bolt objects): a lazy listener to run by
    name, or (`asked` set) a request whose acknowledgement the serving process waits for."""

    body: dict[str, Any]
    function: str | None = None
    asked: int | None = None
    start_by: float = 0.0  # wall-clock time after which an asked job is not started

    def request(self, ack: Ack | None = None) -> BoltRequest:
        # Already verified and parsed by the serving process; Bolt takes a parsed body only in
        # its Socket Mode form, which also skips the signature check the serving process did.
        headers: dict[str, str | Sequence[str]] = {}
        if self.function is not None:
            headers = {LAZY_ONLY: "1", LAZY_FUNCTION: self.function}
        context = {"ack": ack} if ack is not None else None  # Bolt's listeners ack with the context's
        return BoltRequest(body=self.body, headers=headers, context=context, mode="socket_mode")


@dataclass(frozen=True)
class Answer:
    asked: int
    status: int | None  # None: not started in time
    body: str = ""


class AnsweredAtAck(Ack):
    """A form's ack in a work process: its answer leaves for the serving process the moment the
    listener acks, not when Bolt next looks for it (every 10 ms); the confirmation runs on after it.
    Only the first ack answers: the serving process waits for one answer per form."""

    def __init__(self, asked: int, answers: multiprocessing.Queue[Answer]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Bolt does not annotate it
        self._asked = asked
        self._answers = answers
        self.answered = False

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        self.answer(response)
        return response

    def answer(self, response: BoltResponse) -> None:
        if not self.answered:
            self.answered = True
            self._answers.put(Answer(self._asked, response.status, str(response.body or "")))


@dataclass
class _Worker:
    """One work process and its two queues. Each queue has one process at each end, so a process
    killed mid-read or mid-write can only break its own queues, which are replaced with it."""

    process: BaseProcess
    jobs: multiprocessing.Queue[Job | None]
    answers: multiprocessing.Queue[Answer]


class WorkProcesses(LazyListenerRunner):
    """The serving process's side: hands work to the work processes, in turn, and starts, watches,
    replaces and stops them. Installed as the app's lazy listener runner, so handlers.after_ack
    finds it, and any lazy listener registered directly goes the same way."""

    def __init__(self, settings: Settings, *, processes: int, threads: int) -> None:
        self.logger = log
        self._settings = settings
        self._threads = threads
        self._spawn = multiprocessing.get_context("spawn")  # a fork would copy the server's threads' locks
        self._waiting: dict[int, Future[Answer]] = {}
        self._asked = itertools.count(1)
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._workers: list[_Worker] = [self._start_one(n) for n in range(processes)]
        threading.Thread(target=self._watch, name="work-watch", daemon=True).start()

    def acknowledging(self, listener: Callable[..., None]) -> Callable[..., None]:
        name = get_name_for_callable(listener)

        def hand_off(ack: Ack, body: dict[str, Any]) -> None:
            # Queued before the ack: if it cannot be, Slack hears of a failure and sends it again.
            self._send(Job(body, function=name))
            ack()

        return hand_off

    def answering(self, listener: Callable[..., None]) -> Callable[..., None]:
        """For a form: a work process runs `listener` and its acknowledgement (close the modal,
        inline errors, the next view) is passed back and sent from here."""

        def ask(ack: Ack, body: dict[str, Any]) -> None:
            future: Future[Answer] = Future()
            with self._lock:
                asked = next(self._asked)
                self._waiting[asked] = future
            self._send(Job(body, asked=asked, start_by=time.time() + START_WITHIN))
            try:
                answer = future.result(timeout=ANSWER_WITHIN)
            except FutureTimeout:
                answer = Answer(asked, None)
            finally:
                with self._lock:
                    self._waiting.pop(asked, None)
            if answer.status is None:
                log.warning("a form waited too long for a work process; the officer was asked to submit again")
                ack(response_action="errors", errors={first_input(body): BUSY})
            elif answer.status != 200:
                raise RuntimeError(f"the form's work process answered {answer.status}")
            else:
                ack(**(json.loads(answer.body) if answer.body else {}))

        return ask

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        name = request.lazy_function_name or get_name_for_callable(function)
        self._send(Job(request.body, function=name))

    def stop(self, grace: float) -> None:
        """Let the work processes finish what is queued, for up to `grace` seconds, then end them."""
        self._stopping.set()
        for worker in self._workers:
            for _ in range(self._threads):
                worker.jobs.put(None)  # one for each work thread: it ends after the jobs queued before it
        deadline = time.monotonic() + grace
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        cut_short = [w.process for w in self._workers if w.process.is_alive()]
        for process in cut_short:
            process.terminate()
            process.join(5)
        if cut_short:
            log.warning("work processes stopped after %.0f s with work unfinished", grace)

    def _send(self, job: Job) -> None:
        """To the work processes in turn, passing over one that died and is not yet replaced.
        A put never blocks: multiprocessing's feeder thread writes the pipe."""
        workers = list(self._workers)
        for _ in workers:
            worker = workers[next(self._turn) % len(workers)]
            if worker.process.is_alive():
                break
        worker.jobs.put(job)

    def _start_one(self, number: int) -> _Worker:
        jobs: multiprocessing.Queue[Job | None] = self._spawn.Queue()
        answers: multiprocessing.Queue[Answer] = self._spawn.Queue()
        process = self._spawn.Process(
            target=work,
            args=(self._settings, jobs, answers, self._threads, os.getpid()),
            name=f"dvpn-work-{number}",
            daemon=True,
        )
        process.start()
        worker = _Worker(process, jobs, answers)
        threading.Thread(target=self._read_answers, args=(worker,), name=f"work-answers-{number}", daemon=True).start()
        return worker

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_EVERY):
            for number, worker in enumerate(self._workers):
                if worker.process.is_alive() or self._stopping.is_set():
                    continue
                process = worker.process
                log.warning("work process %s ended (exit code %s); starting another", process.pid, process.exitcode)
                self._workers[number] = self._start_one(number)

    def _read_answers(self, worker: _Worker) -> None:
        """Passes a work process's answers to the forms waiting for them, while it lives."""
        while worker.process.is_alive():
            try:
                answer = worker.answers.get(timeout=WATCH_EVERY)
            except queue.Empty:
                continue
            with self._lock:
                future = self._waiting.get(answer.asked)
            if future is not None:  # else its form was already told to submit again
                future.set_result(answer)


def first_input(body: dict[str, Any]) -> str:
    blocks = body.get("view", {}).get("blocks", [])
    return next((str(b["block_id"]) for b in blocks if b.get("type") == "input"), "")


def work(
    settings: Settings,
    jobs: multiprocessing.Queue[Job | None],
    answers: multiprocessing.Queue[Answer],
    threads: int,
    parent: int,
) -> None:
    """A work process: `threads` threads taking jobs until told to stop or the parent is gone."""
    # Ctrl-C and a service manager's SIGTERM reach the whole process group; the serving process
    # decides when work stops (WorkProcesses.stop), so queued work is not cut off here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(NICENESS)
    configure_logging(settings.log_level)
    app = _work_app(settings)
    runners = [
        threading.Thread(target=_take_jobs, args=(app, jobs, answers, parent), name=f"work-{n}") for n in range(threads)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()


def _take_jobs(
    app: App, jobs: multiprocessing.Queue[Job | None], answers: multiprocessing.Queue[Answer], parent: int
) -> None:
    while True:
        try:
            job = jobs.get(timeout=WATCH_EVERY)
        except queue.Empty:
            if os.getppid() != parent:  # the serving process died: nobody will send more
                return
            continue
        if job is None:
            return
        if job.asked is None:
            # Listeners report their own failures to the user (handlers.errors.reported); Bolt logs the rest.
            app.dispatch(job.request())
        elif time.time() > job.start_by:
            answers.put(Answer(job.asked, None))  # its officer is being told to submit again
        else:
            # Answered at the listener's ack(); whatever follows it (a confirmation) runs on. A
            # listener that failed before acking is answered with Bolt's response when it returns.
            ack = AnsweredAtAck(job.asked, answers)
            ack.answer(app.dispatch(job.request(ack)))


def _work_app(settings: Settings) -> App:
    """The same app as the serving process's, over this process's own database pool and Web API
    client. Its work runs on the calling thread: lazy-only requests are dispatched synchronously."""
    return slack_app(service_context(settings, source="slack", application=WORK_APPLICATION), signing_secret=None)
