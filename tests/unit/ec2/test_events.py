from localstack_ssm_docker.ec2.events import InstanceEvents


def test_listeners_hear_instance_ids_only_and_a_failing_one_does_not_stop_the_rest():
    events = InstanceEvents()
    heard: list[tuple] = []

    def failing(*args):
        raise RuntimeError("listener bug")

    events.subscribe(failing)
    events.subscribe(lambda *args: heard.append(args))
    events.changed("111111111111", "eu-west-1", ["i-1", "vol-2", "i-3"])
    events.changed("111111111111", "eu-west-1", ["sg-1"])  # no instance: nobody is called
    events.changed("111111111111", "eu-west-1", ["i-1"], restarted=True)
    assert heard == [
        ("111111111111", "eu-west-1", ["i-1", "i-3"], False),
        ("111111111111", "eu-west-1", ["i-1"], True),
    ]
