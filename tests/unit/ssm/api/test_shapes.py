from localstack_ssm_docker.ssm.api.shapes import iso_duration, iso_time


def test_times_are_written_as_get_command_invocation_writes_them():
    assert iso_time(1550172386.439) == "2019-02-14T19:26:26.439Z"
    assert iso_time(None) == ""


def test_elapsed_time_is_an_iso_duration():
    assert iso_duration(10.0, 10.541) == "PT0.541S"
    assert iso_duration(10.0, None) == ""
