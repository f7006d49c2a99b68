"""The AWS-owned Automation runbooks served here: AWS's names, parameters and steps, as data.

Each keeps the parameters AWS publishes for it, so a runbook started by name against AWS starts
the same way here. AWS-UpdateLinuxAmi keeps AWS's steps (launch from SourceAmiId, configure by
Run Command, stop, create the image, terminate) with one difference the emulator needs: its
update step runs PreUpdateScript and PostUpdateScript as shell text in the instance (AWS fetches
them from a URL) and updates packages only where the AMI has a package manager (busybox AMIs
have none; a Debian AMI needs a reachable mirror).
"""

from typing import Any

ASSUME_ROLE: dict[str, Any] = {
    "type": "String",
    "description": (
        "(Optional) The ARN of the role that allows Automation to perform the actions on your "
        "behalf."
    ),
    "default": "",
}

_INSTANCE_IDS: dict[str, Any] = {"type": "StringList", "description": ""}


def _change_state(description: str, verb: str, desired: str) -> dict[str, Any]:
    return {
        "schemaVersion": "0.3",
        "description": description,
        "assumeRole": "{{ AutomationAssumeRole }}",
        "parameters": {
            "InstanceId": {**_INSTANCE_IDS, "description": f"(Required) EC2 Instance(s) to {verb}"},
            "AutomationAssumeRole": ASSUME_ROLE,
        },
        "mainSteps": [
            {
                "name": f"{verb}Instances",
                "action": "aws:changeInstanceState",
                "inputs": {"InstanceIds": "{{ InstanceId }}", "DesiredState": desired},
            }
        ],
    }


RESTART: dict[str, Any] = {
    "schemaVersion": "0.3",
    "description": "Restart EC2 instances(s)",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "InstanceId": {**_INSTANCE_IDS, "description": "(Required) EC2 Instance(s) to restart"},
        "AutomationAssumeRole": ASSUME_ROLE,
    },
    "mainSteps": [
        {
            "name": "stopInstances",
            "action": "aws:changeInstanceState",
            "inputs": {"InstanceIds": "{{ InstanceId }}", "DesiredState": "stopped"},
        },
        {
            "name": "startInstances",
            "action": "aws:changeInstanceState",
            "inputs": {"InstanceIds": "{{ InstanceId }}", "DesiredState": "running"},
        },
    ],
}

CREATE_IMAGE: dict[str, Any] = {
    "schemaVersion": "0.3",
    "description": "Creates a new Amazon Machine Image (AMI) from an Amazon EC2 instance",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "InstanceId": {
            "type": "String",
            "description": "(Required) The ID of the Amazon EC2 instance.",
        },
        "NoReboot": {
            "type": "Boolean",
            "description": "(Optional) Do not reboot the instance before creating the image.",
            "default": False,
        },
        "AutomationAssumeRole": ASSUME_ROLE,
    },
    "mainSteps": [
        {
            "name": "createImage",
            "action": "aws:createImage",
            "onFailure": "Abort",
            "inputs": {
                "InstanceId": "{{ InstanceId }}",
                "ImageName": "{{ InstanceId }}_{{automation:EXECUTION_ID}}",
                "NoReboot": "{{ NoReboot }}",
            },
        }
    ],
    "outputs": ["createImage.ImageId"],
}

# The update step's script, as AWS-RunShellScript's commands (one script, line after line): the
# hooks run as they are given ("none", the default, is a function that does nothing), then the
# instance's own package manager updates packages if the AMI has one.
_UPDATE_PACKAGES = r"""include='{{ IncludePackages }}'
exclude='{{ ExcludePackages }}'
if [ "$include" = "none" ]; then
  echo "IncludePackages is none: packages left as they are"
elif command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  if [ "$include" = "all" ]; then apt-get -y upgrade
  else apt-get -y install --only-upgrade $(echo "$include" | tr ',' ' '); fi
elif command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
  manager=$(command -v dnf || command -v yum)
  excludes=""; [ "$exclude" = "none" ] || excludes="--exclude=$exclude"
  if [ "$include" = "all" ]; then "$manager" -y update $excludes
  else "$manager" -y update $excludes $(echo "$include" | tr ',' ' '); fi
else
  echo "no package manager on this AMI: packages left as they are"
fi"""
_UPDATE_COMMANDS = [
    "set -e",
    "none() { :; }",
    "{{ PreUpdateScript }}",
    _UPDATE_PACKAGES,
    "{{ PostUpdateScript }}",
]

UPDATE_LINUX_AMI: dict[str, Any] = {
    "schemaVersion": "0.3",
    "description": (
        "Updates a Linux AMI: launches an instance from SourceAmiId, runs the update (hooks and "
        "packages) on it with Run Command, stops it, creates a new AMI from it and terminates it."
    ),
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "SourceAmiId": {"type": "String", "description": "(Required) The source AMI ID."},
        "IamInstanceProfileName": {
            "type": "String",
            "description": "(Required) The instance profile that enables Systems Manager (SSM) "
            "to manage the instance.",
            "default": "ManagedInstanceProfile",
        },
        "AutomationAssumeRole": ASSUME_ROLE,
        "TargetAmiName": {
            "type": "String",
            "description": "(Optional) The name of the new AMI that will be created. Default is "
            "a system-generated string including the source AMI id, and the creation time "
            "and date.",
            "default": "UpdateLinuxAmi_from_{{SourceAmiId}}_on_{{global:DATE_TIME}}",
        },
        "InstanceType": {
            "type": "String",
            "description": "(Optional) Type of instance to launch as the workspace host. "
            "Instance types vary by region. Default is t2.micro.",
            "default": "t2.micro",
        },
        "SubnetId": {
            "type": "String",
            "description": "(Optional) Specify the SubnetId if you want to launch into a "
            "specific subnet.",
            "default": "",
        },
        "PreUpdateScript": {
            "type": "String",
            "description": "(Optional) Shell commands to run before updates are applied. "
            'Default ("none") is to not run a script.',
            "default": "none",
        },
        "PostUpdateScript": {
            "type": "String",
            "description": "(Optional) Shell commands to run after package updates are "
            'applied. Default ("none") is to not run a script.',
            "default": "none",
        },
        "IncludePackages": {
            "type": "String",
            "description": '(Optional) Only update these named packages. By default ("all"), '
            "all available updates are applied.",
            "default": "all",
        },
        "ExcludePackages": {
            "type": "String",
            "description": "(Optional) Names of packages to hold back from updates, under all "
            'conditions. By default ("none"), no package is excluded.',
            "default": "none",
        },
    },
    "mainSteps": [
        {
            "name": "LaunchInstance",
            "action": "aws:runInstances",
            "timeoutSeconds": 1800,
            "maxAttempts": 3,
            "onFailure": "Abort",
            "inputs": {
                "ImageId": "{{ SourceAmiId }}",
                "InstanceType": "{{ InstanceType }}",
                "MinInstanceCount": 1,
                "MaxInstanceCount": 1,
                "IamInstanceProfileName": "{{ IamInstanceProfileName }}",
                "SubnetId": "{{ SubnetId }}",
                "TagSpecifications": [
                    {
                        "ResourceType": "instance",
                        "Tags": [
                            {"Key": "Name", "Value": "UpdateLinuxAmi_{{automation:EXECUTION_ID}}"}
                        ],
                    }
                ],
            },
        },
        {
            "name": "UpdateOS",
            "action": "aws:runCommand",
            "maxAttempts": 1,
            "timeoutSeconds": 3600,
            "onFailure": "step:TerminateInstance",
            "inputs": {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": "{{ LaunchInstance.InstanceIds }}",
                "Parameters": {"commands": _UPDATE_COMMANDS},
            },
        },
        {
            "name": "StopInstance",
            "action": "aws:changeInstanceState",
            "maxAttempts": 3,
            "timeoutSeconds": 7200,
            "onFailure": "step:TerminateInstance",
            "inputs": {
                "InstanceIds": "{{ LaunchInstance.InstanceIds }}",
                "DesiredState": "stopped",
            },
        },
        {
            "name": "CreateImage",
            "action": "aws:createImage",
            "maxAttempts": 3,
            "onFailure": "step:TerminateInstance",
            "inputs": {
                "InstanceId": "{{ LaunchInstance.InstanceIds }}",
                "ImageName": "{{ TargetAmiName }}",
                "NoReboot": True,
                "ImageDescription": "AMI Generated by EC2 Automation on {{global:DATE_TIME}} "
                "from {{SourceAmiId}}",
            },
        },
        {
            "name": "TerminateInstance",
            "action": "aws:changeInstanceState",
            "maxAttempts": 3,
            "onFailure": "Continue",
            "isEnd": True,
            "inputs": {
                "InstanceIds": "{{ LaunchInstance.InstanceIds }}",
                "DesiredState": "terminated",
            },
        },
    ],
    "outputs": ["CreateImage.ImageId"],
}

RUNBOOKS: dict[str, dict[str, Any]] = {
    "AWS-RestartEC2Instance": RESTART,
    "AWS-StopEC2Instance": _change_state("Stop EC2 instances(s)", "stop", "stopped"),
    "AWS-StartEC2Instance": _change_state("Start EC2 instances(s)", "start", "running"),
    "AWS-TerminateEC2Instance": _change_state(
        "Terminate EC2 instances(s)", "terminate", "terminated"
    ),
    "AWS-CreateImage": CREATE_IMAGE,
    "AWS-UpdateLinuxAmi": UPDATE_LINUX_AMI,
}
