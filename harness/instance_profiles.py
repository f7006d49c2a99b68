"""An instance profile as a user makes one for EC2 (a role EC2 may assume, the profile holding it),
for the tests and benchmarks that launch instances with a role."""

import json

EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
"""The trust policy that lets EC2 instances assume a role."""


def make_instance_profile(iam, name: str) -> str:
    """A role and an instance profile, both called `name`, the role in the profile; the name."""
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return name
