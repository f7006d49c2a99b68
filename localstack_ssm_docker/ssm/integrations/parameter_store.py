"""Reads parameters from this LocalStack's own Parameter Store, for reference resolution."""

from localstack.aws.connect import connect_to


def lookup_parameters(
    account_id: str, region: str, names: list[str]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Each name (``name`` or ``name:version``) in the caller's account and region:
    found {name: (type, value)} and the names that do not exist."""
    client = connect_to(aws_access_key_id=account_id, region_name=region).ssm
    found, missing = {}, []
    for name in names:
        try:
            parameter = client.get_parameter(Name=name, WithDecryption=False)["Parameter"]
        except (client.exceptions.ParameterNotFound, client.exceptions.ParameterVersionNotFound):
            missing.append(name)
        else:
            found[name] = (parameter["Type"], parameter["Value"])
    return found, missing
