import pytest
from localstack.aws.api import CommonServiceException

from localstack_ssm_docker.ec2.limits import counts_within_limit


def request(min_count: int, max_count: int) -> dict:
    return {"ImageId": "ami-1", "MinCount": min_count, "MaxCount": max_count}


def test_counts_that_fit_are_kept_as_they_are():
    asked = request(1, 5)
    assert counts_within_limit(asked, existing=10, limit=20) is asked


def test_max_count_is_lowered_to_the_room_left():
    assert counts_within_limit(request(2, 50), existing=15, limit=20)["MaxCount"] == 5


@pytest.mark.parametrize(
    ("min_count", "max_count", "existing", "code"),
    [
        (0, 1, 0, "InvalidParameterValue"),
        (3, 2, 0, "InvalidParameterValue"),
        (6, 10, 15, "InstanceLimitExceeded"),
        (1, 1, 25, "InstanceLimitExceeded"),
    ],
)
def test_impossible_counts_are_refused(min_count, max_count, existing, code):
    with pytest.raises(CommonServiceException) as raised:
        counts_within_limit(request(min_count, max_count), existing, limit=20)
    assert raised.value.code == code
