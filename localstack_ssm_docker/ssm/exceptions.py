"""SSM errors this extension raises beyond those LocalStack generates from the service model
(``localstack.aws.api.ssm``), which the modules import from there directly."""

from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError

__all__ = ["EngineUnavailableError"]
