"""ModifyInstanceMetadataOptions: changes only what the request names (moto's version fails on an
omitted hop limit), checked as EC2 checks it; IMDS reads the options per request, so a change
takes effect at once."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ec2 import (
    InstanceMetadataOptionsResponse,
    InstanceMetadataOptionsState,
    ModifyInstanceMetadataOptionsRequest,
    ModifyInstanceMetadataOptionsResult,
)
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.exceptions import InvalidParameterValue
from localstack_ssm_docker.imds.profile_handlers import InvalidInstanceIdNotFound

_CHOICES = {
    "HttpTokens": ("http_tokens", ("optional", "required")),
    "HttpEndpoint": ("http_endpoint", ("enabled", "disabled")),
    "HttpProtocolIpv6": ("http_protocol_ipv6", ("enabled", "disabled")),
    "InstanceMetadataTags": ("instance_metadata_tags", ("enabled", "disabled")),
}
MAX_HOP_LIMIT = 64


def options_shape(options) -> InstanceMetadataOptionsResponse:
    """moto's MetadataOptions as EC2 answers them."""
    return InstanceMetadataOptionsResponse(
        State=InstanceMetadataOptionsState.applied,
        HttpTokens=options.http_tokens,
        HttpPutResponseHopLimit=int(options.http_put_response_hop_limit),
        HttpEndpoint=options.http_endpoint,
        HttpProtocolIpv6=options.http_protocol_ipv6,
        InstanceMetadataTags=options.instance_metadata_tags,
    )


class MetadataOptionsHandlers:
    """Changes moto's instance records only."""

    @handler("ModifyInstanceMetadataOptions", expand=False)
    def modify_instance_metadata_options(
        self, context: RequestContext, request: ModifyInstanceMetadataOptionsRequest
    ) -> ModifyInstanceMetadataOptionsResult:
        instance_id = request["InstanceId"]
        try:
            instance = ec2_backends[context.account_id][context.region].get_instance(instance_id)
        except Exception as e:
            raise InvalidInstanceIdNotFound(instance_id) from e
        changes: dict[str, str | int] = {}
        for name, (attribute, allowed) in _CHOICES.items():
            value = request.get(name)
            if value is None:
                continue
            if value not in allowed:
                raise InvalidParameterValue(
                    f"Value ({value}) for parameter {name[0].lower() + name[1:]} is invalid. "
                    f"Valid values are {', '.join(allowed)}."
                )
            changes[attribute] = value
        hops = request.get("HttpPutResponseHopLimit")
        if hops is not None:
            if not 1 <= hops <= MAX_HOP_LIMIT:
                raise InvalidParameterValue(
                    f"Value ({hops}) for parameter httpPutResponseHopLimit is invalid. "
                    f"Valid values are between 1 and {MAX_HOP_LIMIT}."
                )
            changes["http_put_response_hop_limit"] = hops
        for attribute, value in changes.items():
            setattr(instance.metadata_options, attribute, value)
        shape = options_shape(instance.metadata_options)
        shape["State"] = InstanceMetadataOptionsState.pending
        return ModifyInstanceMetadataOptionsResult(
            InstanceId=instance_id, InstanceMetadataOptions=shape
        )
