"""The warm-up's order: providers started and loads done on its thread, the requests only once
they are, all before `finish` returns (LocalStack prints Ready after it), never longer than its
wait limit, and nothing at all when the engine does not answer."""

import threading

from localstack_ssm_docker.warm_up import Steps, WarmUp


class Recorder:
    """Steps that record their order; `start_services` blocks until `release` is set when
    `blocking`."""

    def __init__(self, answers: bool = True, blocking: bool = False, failing: str = ""):
        self.done: list[str] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self._answers = answers
        self._blocking = blocking
        self._failing = failing

    def steps(self) -> Steps:
        return Steps(
            runtime_started=lambda: None,
            engine_answers=lambda: self._answers,
            start_services=lambda: self._step("start"),
            load=lambda: self._step("load"),
            exercise=lambda: self._step("requests"),
        )

    def _step(self, name: str) -> None:
        if name == "start":
            self.entered.set()
            if self._blocking:
                self.release.wait()
        if name == self._failing:
            raise RuntimeError(f"{name} failed")
        self.done.append(name)


def test_finish_returns_once_the_providers_started_and_the_requests_went_through():
    recorder = Recorder()
    warm_up = WarmUp(recorder.steps())
    warm_up.begin()
    warm_up.finish()
    assert recorder.done == ["start", "load", "requests"]


def test_finish_waits_for_a_start_still_under_way():
    recorder = Recorder(blocking=True)
    warm_up = WarmUp(recorder.steps(), wait_limit=30)
    warm_up.begin()
    assert recorder.entered.wait(5)
    finishing = threading.Thread(target=warm_up.finish)
    finishing.start()
    finishing.join(0.05)
    assert finishing.is_alive() and recorder.done == []
    recorder.release.set()
    finishing.join(5)
    assert not finishing.is_alive()
    assert recorder.done == ["start", "load", "requests"]


def test_an_engine_that_hangs_delays_finish_no_longer_than_the_wait_limit():
    recorder = Recorder(blocking=True)
    warm_up = WarmUp(recorder.steps(), wait_limit=0.01)
    warm_up.begin()
    warm_up.finish()  # returns although the start has not ended
    assert recorder.done == []
    recorder.release.set()


def test_nothing_starts_when_the_engine_does_not_answer():
    recorder = Recorder(answers=False)
    warm_up = WarmUp(recorder.steps())
    warm_up.begin()
    warm_up.finish()
    assert recorder.done == []


def test_no_requests_when_the_providers_did_not_start_and_a_failed_load_is_no_failure():
    failed_start = Recorder(failing="start")
    warm_up = WarmUp(failed_start.steps())
    warm_up.begin()
    warm_up.finish()
    assert failed_start.done == ["load"]
    failed_load = Recorder(failing="load")
    warm_up = WarmUp(failed_load.steps())
    warm_up.begin()
    warm_up.finish()
    assert failed_load.done == ["start", "requests"]


def test_each_step_runs_once_however_often_begin_and_finish_are_called():
    recorder = Recorder()
    warm_up = WarmUp(recorder.steps())
    warm_up.begin()
    warm_up.begin()
    warm_up.finish()
    warm_up.finish()
    assert recorder.done == ["start", "load", "requests"]


def test_finish_without_begin_does_nothing():
    recorder = Recorder()
    WarmUp(recorder.steps()).finish()
    assert recorder.done == []
