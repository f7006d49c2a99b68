"""os-release(5) parsing, kept pure: the instance's platform (DescribeInstanceInformation's
PlatformName/PlatformVersion) comes from the container's /etc/os-release."""


def parse_os_release(content: str) -> dict[str, str]:
    """Parses os-release(5) KEY=value lines, removing shell quotes."""
    values: dict[str, str] = {}
    for line in content.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key] = value.strip().strip("'\"")
    return values
