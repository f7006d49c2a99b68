"""Reads parameters from this LocalStack's own Parameter Store, for reference resolution."""

from localstack.aws.connect import connect_to


def lookup_parameters(
    account_id: str, region: str, names: list[str]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """GetParameters in the caller's account and region: found {name: (type, value)}, invalid names.

    A name with a version selector (``name:3``) is answered under the name as asked.
    """
    client = connect_to(aws_access_key_id=account_id, region_name=region).ssm
    response = client.get_parameters(Names=names, WithDecryption=False)
    found = {}
    for parameter in response.get("Parameters", []):
        asked = parameter.get("Selector")
        name = parameter["Name"] + asked if asked else parameter["Name"]
        found[name] = (parameter["Type"], parameter["Value"])
    missing = [n for n in names if n not in found] + response.get("InvalidParameters", [])
    return found, list(dict.fromkeys(missing))
