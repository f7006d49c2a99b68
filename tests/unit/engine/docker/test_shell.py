from localstack_ssm_docker.engine.docker.shell import (
    BOOT_HOOK_DONE,
    BOOT_STATE_DIR,
    BOOT_WITH_HOOK,
    BOOTSTRAP,
    DETACHED,
    INLINE_SCRIPT_LIMIT,
    KILL,
    USER_DATA_DIR,
    boot_with_hook_command,
    bootstrap_command,
    detached_command,
    fits_inline,
    kill_command,
    script_path,
)
from localstack_ssm_docker.engine.values import ScriptJob

JOB = ScriptJob("echo hi", "/var/lib/amazon/ssm/c1/awsrunShellScript/0", "/tmp", {}, 2500)


def test_small_scripts_travel_inline_and_large_ones_are_copied():
    assert fits_inline(b"x" * INLINE_SCRIPT_LIMIT)
    assert not fits_inline(b"x" * (INLINE_SCRIPT_LIMIT + 1))


def test_the_bootstrap_gets_directory_working_directory_and_inline_script_as_arguments():
    assert bootstrap_command(JOB, inline=True) == [
        "sh",
        "-c",
        BOOTSTRAP,
        "sh",
        JOB.script_dir,
        "/tmp",
        JOB.attempt,
        "echo hi",
    ]
    assert bootstrap_command(JOB, inline=False) == [
        "sh",
        "-c",
        BOOTSTRAP,
        "sh",
        JOB.script_dir,
        "/tmp",
        JOB.attempt,
    ]


def test_a_copied_script_goes_where_the_bootstrap_runs_it():
    assert script_path(JOB) == f"{JOB.script_dir}/_script.sh"
    assert '"$d/_script.sh"' in BOOTSTRAP


def test_user_data_scripts_are_arguments_after_the_directory_and_log():
    command = detached_command(["#!/bin/sh\necho 1", "echo 2"], "/var/log/cloud-init-output.log")
    assert command == [
        "sh",
        "-c",
        DETACHED,
        "sh",
        USER_DATA_DIR,
        "/var/log/cloud-init-output.log",
        "#!/bin/sh\necho 1",
        "echo 2",
    ]


def test_the_kill_reads_the_process_group_from_the_script_directory():
    assert kill_command(JOB) == ["sh", "-c", KILL, "sh", JOB.script_dir, JOB.attempt]
    assert '"$1/pid"' in KILL


def test_a_boot_hook_runs_before_the_keep_alive_and_marks_its_end_for_user_data():
    assert boot_with_hook_command("/sbin/boot") == ["sh", "-c", BOOT_WITH_HOOK, "sh", "/sbin/boot"]
    assert BOOT_WITH_HOOK.index('"$1"') < BOOT_WITH_HOOK.index(BOOT_HOOK_DONE)
    assert BOOT_WITH_HOOK.endswith("exec sleep infinity")
    assert BOOT_HOOK_DONE.startswith(BOOT_STATE_DIR + "/")


def test_user_data_waits_for_the_boot_hook_only_where_the_image_has_one():
    wait = f"if [ -d {BOOT_STATE_DIR} ]; then while [ ! -e {BOOT_HOOK_DONE} ]"
    assert wait in DETACHED
    assert DETACHED.index(wait) < DETACHED.index('sh -c "$f"')
