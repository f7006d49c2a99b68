from localstack_ssm_docker.instance_connect.keys import VALIDITY_SECONDS, InstanceConnectKeys

ACCOUNT, REGION, INSTANCE = "000000000000", "us-east-1", "i-0123456789abcdef0"
KEY_A, KEY_B = "ssh-ed25519 AAAAA", "ssh-ed25519 BBBBB"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pushed_key_is_valid_for_sixty_seconds_and_not_after():
    clock = Clock()
    keys = InstanceConnectKeys(clock)
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_A)
    assert VALIDITY_SECONDS == 60
    clock.now += 59.999
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_A,)),)
    clock.now += 0.001
    assert keys.active(ACCOUNT, REGION, INSTANCE) == ()


def test_keys_are_the_instances_and_users_they_were_pushed_for():
    clock = Clock()
    keys = InstanceConnectKeys(clock)
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_A)
    keys.push(ACCOUNT, REGION, INSTANCE, "root", KEY_B)
    keys.push(ACCOUNT, "eu-west-1", INSTANCE, "admin", KEY_B)
    keys.push("111111111111", REGION, INSTANCE, "admin", KEY_B)
    keys.push(ACCOUNT, REGION, "i-0fedcba9876543210", "admin", KEY_B)
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_A,)), ("root", (KEY_B,)))


def test_a_users_keys_come_newest_first_and_each_expires_on_its_own():
    clock = Clock()
    keys = InstanceConnectKeys(clock)
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_A)
    clock.now += 30
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_B)
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_B, KEY_A)),)
    clock.now += 30
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_B,)),)


def test_a_key_pushed_again_counts_from_its_last_push_once():
    clock = Clock()
    keys = InstanceConnectKeys(clock)
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_A)
    clock.now += 50
    keys.push(ACCOUNT, REGION, INSTANCE, "admin", KEY_A)
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_A,)),)
    clock.now += 59
    assert keys.active(ACCOUNT, REGION, INSTANCE) == (("admin", (KEY_A,)),)
    clock.now += 1
    assert keys.active(ACCOUNT, REGION, INSTANCE) == ()
