"""Names vulture (`make lint`) sees no caller of in this package, whose callers are elsewhere:
LocalStack, moto, the Python runtime, a wire protocol. Each group says who uses them. Anything
else vulture finds is dead code, to be removed, not listed here."""

# Entry points (pyproject.toml): LocalStack loads these by name.
ec2_docker
ssm_docker
ec2_instance_connect_docker
autoscaling_docker
activate_ssm_docker_providers
end_ssm_sessions
bring_back_kept_instances
finish_warm_up
SsmDockerExtension
SsmDocumentProviderPlugin
SsmAssociationProviderPlugin
Ec2InstanceProviderPlugin
Ec2LaunchTemplateProviderPlugin
AutoScalingGroupProviderPlugin
_.factory  # CloudFormationResourceProviderPlugin.load sets it

# LocalStack's Extension hooks.
_.on_extension_load
_.update_request_handlers
_.update_gateway_routes
_.update_response_handlers
_.update_exception_handlers

# Gateway handlers: LocalStack's handler chain calls handler(chain, context, response).
chain
_.service_exception  # read by LocalStack's response serialisation

# CloudFormation resource properties (TypedDict fields of AWS's resource schemas).
DocumentVersion
ScheduleExpression
ScheduleOffset
Targets
OutputLocation
AutomationTargetParameterName
MaxErrors
MaxConcurrency
SyncCompliance
ApplyOnlyAtCronInterval
CalendarNames
WaitForSuccessTimeoutSeconds
Content
TargetType
VersionName
Tags
Requires
Attachments
UpdateMethod

# API operations: LocalStack's skeleton dispatches to the provider's methods by operation name.
_.describe_images
_.create_image
_.deregister_image
_.modify_image_attribute
_.describe_instances
_.run_instances
_.send_ssh_public_key
_.send_serial_console_ssh_public_key
_.stop_instances
_.start_instances
_.create_tags
_.reboot_instances
_.modify_instance_metadata_options
_.modify_instance_attribute
_.associate_iam_instance_profile
_.describe_iam_instance_profile_associations
_.disassociate_iam_instance_profile
_.replace_iam_instance_profile_association
_.get_command_invocation
_.list_command_invocations
_.list_commands
_.list_documents
_.send_command
_.cancel_command
_.describe_instance_information
_.start_automation_execution
_.get_automation_execution
_.describe_automation_executions
_.describe_automation_step_executions
_.stop_automation_execution
_.send_automation_signal
_.create_association_batch
_.list_associations
_.list_association_versions
_.start_associations_once
_.list_compliance_items
_.list_compliance_summaries
_.describe_association_executions
_.describe_association_execution_targets
_.describe_instance_associations_status
_.describe_effective_instance_associations
_.add_tags_to_resource
_.remove_tags_from_resource
_.list_tags_for_resource
_.start_session
_.resume_session
_.terminate_session
_.describe_sessions
_.create_launch_configuration
_.describe_launch_configurations
_.delete_launch_configuration
_.create_auto_scaling_group
_.update_auto_scaling_group
_.set_desired_capacity
_.describe_auto_scaling_groups
_.describe_auto_scaling_instances
_.delete_auto_scaling_group
_.terminate_instance_in_auto_scaling_group
_.set_instance_health
_.suspend_processes
_.resume_processes
_.describe_scaling_activities
_.put_lifecycle_hook
_.describe_lifecycle_hooks
_.delete_lifecycle_hook
_.complete_lifecycle_action
_.record_lifecycle_action_heartbeat
_.start_instance_refresh
_.cancel_instance_refresh
_.rollback_instance_refresh
_.describe_instance_refreshes

# Attributes of moto's and LocalStack's objects, read by their code.
_.private_ip_addresses  # moto's NetworkInterface, in DescribeInstances
_.iam_instance_profile  # moto's Instance, in DescribeInstances
_.platform_details  # moto's Ami, in DescribeImages
_.usage_operation  # moto's Ami, in DescribeImages
_._upgraded  # rolo's WebSocketRequest, as its accept() records it
daemon_threads  # socketserver.ThreadingMixIn

# Protocol members: the call signature of a Protocol, the wire values of the session protocol
# (message and flag names the plugin may send, named so a log shows them).
__call__
START_PUBLICATION
PAUSE_PUBLICATION
ERROR
PARAMETER
ENC_CHALLENGE_REQUEST
ENC_CHALLENGE_RESPONSE
EXIT_CODE
DISCONNECT_TO_PORT
NOP

# The scheduler's count of armed timers: read by the race tests (tests/unit/ssm/associations/).
_.armed

# LocalStack's EventBridge calls a target sender's send_event(event, trace_header).
_.send_event
trace_header
