from localstack_ssm_docker.ssm.sessions.limits import (
    DURATION_MESSAGE,
    IDLE_MESSAGE,
    Limits,
    expired,
    limits_from,
)


def test_defaults_are_awss():
    assert limits_from({}) == Limits(20 * 60.0, None)
    assert limits_from({"idleSessionTimeout": "20", "maxSessionDuration": ""}) == Limits(1200, None)


def test_values_in_minutes_within_awss_ranges():
    assert limits_from({"idleSessionTimeout": "5", "maxSessionDuration": "90"}) == Limits(300, 5400)
    assert limits_from({"idleSessionTimeout": "61", "maxSessionDuration": "0"}) == Limits(
        None, None
    )


def test_expiry():
    limits = Limits(60, 600)
    assert expired(limits, 0, 0, 59) is None
    assert expired(limits, 0, 0, 60) == IDLE_MESSAGE
    assert expired(limits, 0, 599, 600) == DURATION_MESSAGE
    assert expired(limits, 0, 550, 590) is None
