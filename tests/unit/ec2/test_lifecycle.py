import threading

from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle

DEADLINE = 10


class Instances:
    """Records recover and shutdown; `recovering` (while set) holds recover until `release`."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.recovering = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def recover(self) -> None:
        self.recovering.set()
        assert self.release.wait(DEADLINE)
        self.calls.append("recover")

    def shutdown(self) -> None:
        self.calls.append("shutdown")


def test_the_first_start_recovers_and_the_shutdown_waits_for_every_service_to_stop():
    instances, after_services = Instances(), []
    lifecycle = InstanceLifecycle(instances, after_services.append)
    lifecycle.start()
    lifecycle.start()  # the other provider
    assert instances.calls == ["recover"]
    assert len(after_services) == 1  # one handler, registered once
    for handler in after_services:  # what LocalStack does once every service has stopped
        handler()
    assert instances.calls == ["recover", "shutdown"]


def test_a_second_start_returns_only_once_the_instances_are_recovered():
    instances = Instances()
    instances.release.clear()
    lifecycle = InstanceLifecycle(instances, lambda handler: None)
    first = threading.Thread(target=lifecycle.start)
    first.start()
    assert instances.recovering.wait(DEADLINE)
    calling = threading.Event()

    def second_start() -> None:
        calling.set()
        lifecycle.start()
        instances.calls.append("second start returned")

    second = threading.Thread(target=second_start)
    second.start()
    assert calling.wait(DEADLINE)
    instances.release.set()
    first.join(DEADLINE)
    second.join(DEADLINE)
    assert instances.calls == ["recover", "second start returned"]


def test_without_a_start_nothing_is_recovered_or_shut_down():
    instances, after_services = Instances(), []
    InstanceLifecycle(instances, after_services.append)
    assert (instances.calls, after_services) == ([], [])


def test_actions_after_shutdown_run_once_the_instances_are_shut_down():
    instances, after_services = Instances(), []
    lifecycle = InstanceLifecycle(instances, after_services.append)
    lifecycle.after_shutdown(lambda: instances.calls.append("metadata route removed"))
    lifecycle.start()
    for handler in after_services:
        handler()
    assert instances.calls == ["recover", "shutdown", "metadata route removed"]
