"""Auto Scaling's API types and operations, generated from botocore's model by
``python -m localstack.aws.scaffold generate autoscaling`` (localstack-core ships no module for
it). Generated: do not edit; generate again instead."""

from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from localstack.aws.api import RequestContext, ServiceException, ServiceRequest, handler

AllowedInstanceType = str
AnyPrintableAsciiStringMaxLen4000 = str
AsciiStringMaxLen255 = str
AssociatePublicIpAddress = bool
AutoRollback = bool
AutoScalingGroupDesiredCapacity = int
AutoScalingGroupMaxSize = int
AutoScalingGroupMinSize = int
AutoScalingGroupPredictedCapacity = int
AutoScalingGroupState = str
BakeTime = int
BlockDeviceEbsDeleteOnTermination = bool
BlockDeviceEbsEncrypted = bool
BlockDeviceEbsIops = int
BlockDeviceEbsThroughput = int
BlockDeviceEbsVolumeSize = int
BlockDeviceEbsVolumeType = str
BooleanType = bool
CapacityRebalanceEnabled = bool
CheckpointDelay = int
ClientToken = str
Context = str
Cooldown = int
DefaultInstanceWarmup = int
DisableScaleIn = bool
EbsOptimized = bool
EstimatedInstanceWarmup = int
ExcludedInstance = str
ForceDelete = bool
GlobalTimeout = int
HealthCheckGracePeriod = int
HeartbeatTimeout = int
HonorCooldown = bool
ImageId = str
IncludeDeletedGroups = bool
IncludeInstances = bool
InstanceMetadataHttpPutResponseHopLimit = int
InstanceProtected = bool
InstancesToUpdate = int
IntPercent = int
IntPercent100To200 = int
IntPercent100To200Resettable = int
IntPercentResettable = int
LaunchTemplateName = str
LifecycleActionResult = str
LifecycleActionToken = str
LifecycleTransition = str
MaxGroupPreparedCapacity = int
MaxInstanceLifetime = int
MaxNumberOfAutoScalingGroups = int
MaxNumberOfLaunchConfigurations = int
MaxRecords = int
MetricDimensionName = str
MetricDimensionValue = str
MetricGranularityInSeconds = int
MetricName = str
MetricNamespace = str
MetricScale = float
MetricUnit = str
MinAdjustmentMagnitude = int
MinAdjustmentStep = int
MixedInstanceSpotPrice = str
MonitoringEnabled = bool
NoDevice = bool
NonZeroIntPercent = int
NotificationTargetResourceName = str
NullableBoolean = bool
NullablePositiveDouble = float
NullablePositiveInteger = int
NumberOfAutoScalingGroups = int
NumberOfLaunchConfigurations = int
OnDemandBaseCapacity = int
OnDemandPercentageAboveBaseCapacity = int
PolicyIncrement = int
PredictiveScalingMaxCapacityBuffer = int
PredictiveScalingSchedulingBufferTime = int
Progress = int
PropagateAtLaunch = bool
ProtectedFromScaleIn = bool
RefreshInstanceWarmup = int
RequestedCapacity = int
ResourceName = str
ReturnData = bool
ReuseOnScaleIn = bool
ScalingPolicyEnabled = bool
ShouldDecrementDesiredCapacity = bool
ShouldRespectGracePeriod = bool
SkipMatching = bool
SkipZonalShiftValidation = bool
SpotInstancePools = int
SpotPrice = str
String = str
TagKey = str
TagValue = str
UpdatePlacementGroupParam = str
WarmPoolMinSize = int
WarmPoolSize = int
XmlString = str
XmlStringMaxLen1023 = str
XmlStringMaxLen1600 = str
XmlStringMaxLen19 = str
XmlStringMaxLen2047 = str
XmlStringMaxLen255 = str
XmlStringMaxLen32 = str
XmlStringMaxLen5000 = str
XmlStringMaxLen511 = str
XmlStringMaxLen64 = str
XmlStringMetricLabel = str
XmlStringMetricStat = str
XmlStringUserData = str
ZonalShiftEnabled = bool


class AcceleratorManufacturer(StrEnum):
    nvidia = "nvidia"
    amd = "amd"
    amazon_web_services = "amazon-web-services"
    xilinx = "xilinx"


class AcceleratorName(StrEnum):
    a100 = "a100"
    v100 = "v100"
    k80 = "k80"
    t4 = "t4"
    m60 = "m60"
    radeon_pro_v520 = "radeon-pro-v520"
    vu9p = "vu9p"


class AcceleratorType(StrEnum):
    gpu = "gpu"
    fpga = "fpga"
    inference = "inference"


class BareMetal(StrEnum):
    included = "included"
    excluded = "excluded"
    required = "required"


class BurstablePerformance(StrEnum):
    included = "included"
    excluded = "excluded"
    required = "required"


class CapacityDistributionStrategy(StrEnum):
    balanced_only = "balanced-only"
    balanced_best_effort = "balanced-best-effort"


class CapacityReservationPreference(StrEnum):
    capacity_reservations_only = "capacity-reservations-only"
    capacity_reservations_first = "capacity-reservations-first"
    none = "none"
    default = "default"


class CpuManufacturer(StrEnum):
    intel = "intel"
    amd = "amd"
    amazon_web_services = "amazon-web-services"
    apple = "apple"


class DeletionProtection(StrEnum):
    none = "none"
    prevent_force_deletion = "prevent-force-deletion"
    prevent_all_deletion = "prevent-all-deletion"


class ImpairedZoneHealthCheckBehavior(StrEnum):
    ReplaceUnhealthy = "ReplaceUnhealthy"
    IgnoreUnhealthy = "IgnoreUnhealthy"


class InstanceGeneration(StrEnum):
    current = "current"
    previous = "previous"


class InstanceMetadataEndpointState(StrEnum):
    disabled = "disabled"
    enabled = "enabled"


class InstanceMetadataHttpTokensState(StrEnum):
    optional = "optional"
    required = "required"


class InstanceRefreshStatus(StrEnum):
    Pending = "Pending"
    InProgress = "InProgress"
    Successful = "Successful"
    Failed = "Failed"
    Cancelling = "Cancelling"
    Cancelled = "Cancelled"
    RollbackInProgress = "RollbackInProgress"
    RollbackFailed = "RollbackFailed"
    RollbackSuccessful = "RollbackSuccessful"
    Baking = "Baking"


class LifecycleState(StrEnum):
    Pending = "Pending"
    Pending_Wait = "Pending:Wait"
    Pending_Proceed = "Pending:Proceed"
    Quarantined = "Quarantined"
    InService = "InService"
    Terminating = "Terminating"
    Terminating_Wait = "Terminating:Wait"
    Terminating_Proceed = "Terminating:Proceed"
    Terminated = "Terminated"
    Detaching = "Detaching"
    Detached = "Detached"
    EnteringStandby = "EnteringStandby"
    Standby = "Standby"
    Warmed_Pending = "Warmed:Pending"
    Warmed_Pending_Wait = "Warmed:Pending:Wait"
    Warmed_Pending_Proceed = "Warmed:Pending:Proceed"
    Warmed_Terminating = "Warmed:Terminating"
    Warmed_Terminating_Wait = "Warmed:Terminating:Wait"
    Warmed_Terminating_Proceed = "Warmed:Terminating:Proceed"
    Warmed_Terminated = "Warmed:Terminated"
    Warmed_Stopped = "Warmed:Stopped"
    Warmed_Running = "Warmed:Running"
    Warmed_Hibernated = "Warmed:Hibernated"


class LocalStorage(StrEnum):
    included = "included"
    excluded = "excluded"
    required = "required"


class LocalStorageType(StrEnum):
    hdd = "hdd"
    ssd = "ssd"


class MetricStatistic(StrEnum):
    Average = "Average"
    Minimum = "Minimum"
    Maximum = "Maximum"
    SampleCount = "SampleCount"
    Sum = "Sum"


class MetricType(StrEnum):
    ASGAverageCPUUtilization = "ASGAverageCPUUtilization"
    ASGAverageNetworkIn = "ASGAverageNetworkIn"
    ASGAverageNetworkOut = "ASGAverageNetworkOut"
    ALBRequestCountPerTarget = "ALBRequestCountPerTarget"


class PredefinedLoadMetricType(StrEnum):
    ASGTotalCPUUtilization = "ASGTotalCPUUtilization"
    ASGTotalNetworkIn = "ASGTotalNetworkIn"
    ASGTotalNetworkOut = "ASGTotalNetworkOut"
    ALBTargetGroupRequestCount = "ALBTargetGroupRequestCount"


class PredefinedMetricPairType(StrEnum):
    ASGCPUUtilization = "ASGCPUUtilization"
    ASGNetworkIn = "ASGNetworkIn"
    ASGNetworkOut = "ASGNetworkOut"
    ALBRequestCount = "ALBRequestCount"


class PredefinedScalingMetricType(StrEnum):
    ASGAverageCPUUtilization = "ASGAverageCPUUtilization"
    ASGAverageNetworkIn = "ASGAverageNetworkIn"
    ASGAverageNetworkOut = "ASGAverageNetworkOut"
    ALBRequestCountPerTarget = "ALBRequestCountPerTarget"


class PredictiveScalingMaxCapacityBreachBehavior(StrEnum):
    HonorMaxCapacity = "HonorMaxCapacity"
    IncreaseMaxCapacity = "IncreaseMaxCapacity"


class PredictiveScalingMode(StrEnum):
    ForecastAndScale = "ForecastAndScale"
    ForecastOnly = "ForecastOnly"


class RefreshStrategy(StrEnum):
    Rolling = "Rolling"
    ReplaceRootVolume = "ReplaceRootVolume"


class RetentionAction(StrEnum):
    retain = "retain"
    terminate = "terminate"


class RetryStrategy(StrEnum):
    retry_with_group_configuration = "retry-with-group-configuration"
    none = "none"


class ScaleInProtectedInstances(StrEnum):
    Refresh = "Refresh"
    Ignore = "Ignore"
    Wait = "Wait"


class ScalingActivityStatusCode(StrEnum):
    PendingSpotBidPlacement = "PendingSpotBidPlacement"
    WaitingForSpotInstanceRequestId = "WaitingForSpotInstanceRequestId"
    WaitingForSpotInstanceId = "WaitingForSpotInstanceId"
    WaitingForInstanceId = "WaitingForInstanceId"
    PreInService = "PreInService"
    InProgress = "InProgress"
    WaitingForELBConnectionDraining = "WaitingForELBConnectionDraining"
    MidLifecycleAction = "MidLifecycleAction"
    WaitingForInstanceWarmup = "WaitingForInstanceWarmup"
    Successful = "Successful"
    Failed = "Failed"
    Cancelled = "Cancelled"
    WaitingForConnectionDraining = "WaitingForConnectionDraining"
    WaitingForInPlaceUpdateToStart = "WaitingForInPlaceUpdateToStart"
    WaitingForInPlaceUpdateToFinalize = "WaitingForInPlaceUpdateToFinalize"
    InPlaceUpdateInProgress = "InPlaceUpdateInProgress"


class StandbyInstances(StrEnum):
    Terminate = "Terminate"
    Ignore = "Ignore"
    Wait = "Wait"


class WarmPoolState(StrEnum):
    Stopped = "Stopped"
    Running = "Running"
    Hibernated = "Hibernated"


class WarmPoolStatus(StrEnum):
    PendingDelete = "PendingDelete"


class ActiveInstanceRefreshNotFoundFault(ServiceException):
    code: str = "ActiveInstanceRefreshNotFound"
    sender_fault: bool = True
    status_code: int = 400


class AlreadyExistsFault(ServiceException):
    code: str = "AlreadyExists"
    sender_fault: bool = True
    status_code: int = 400


class IdempotentParameterMismatchError(ServiceException):
    code: str = "IdempotentParameterMismatch"
    sender_fault: bool = True
    status_code: int = 400


class InstanceRefreshInProgressFault(ServiceException):
    code: str = "InstanceRefreshInProgress"
    sender_fault: bool = True
    status_code: int = 400


class InvalidNextToken(ServiceException):
    code: str = "InvalidNextToken"
    sender_fault: bool = True
    status_code: int = 400


class IrreversibleInstanceRefreshFault(ServiceException):
    code: str = "IrreversibleInstanceRefresh"
    sender_fault: bool = True
    status_code: int = 400


class LimitExceededFault(ServiceException):
    code: str = "LimitExceeded"
    sender_fault: bool = True
    status_code: int = 400


class ResourceContentionFault(ServiceException):
    code: str = "ResourceContention"
    sender_fault: bool = True
    status_code: int = 500


class ResourceInUseFault(ServiceException):
    code: str = "ResourceInUse"
    sender_fault: bool = True
    status_code: int = 400


class ScalingActivityInProgressFault(ServiceException):
    code: str = "ScalingActivityInProgress"
    sender_fault: bool = True
    status_code: int = 400


class ServiceLinkedRoleFailure(ServiceException):
    code: str = "ServiceLinkedRoleFailure"
    sender_fault: bool = True
    status_code: int = 500


class AcceleratorCountRequest(TypedDict, total=False):
    Min: NullablePositiveInteger | None
    Max: NullablePositiveInteger | None


AcceleratorManufacturers = list[AcceleratorManufacturer]
AcceleratorNames = list[AcceleratorName]


class AcceleratorTotalMemoryMiBRequest(TypedDict, total=False):
    Min: NullablePositiveInteger | None
    Max: NullablePositiveInteger | None


AcceleratorTypes = list[AcceleratorType]
TimestampType = datetime


class Activity(TypedDict, total=False):
    ActivityId: XmlString
    AutoScalingGroupName: XmlStringMaxLen255
    Description: XmlString | None
    Cause: XmlStringMaxLen1023
    StartTime: TimestampType
    EndTime: TimestampType | None
    StatusCode: ScalingActivityStatusCode
    StatusMessage: XmlStringMaxLen255 | None
    Progress: Progress | None
    Details: XmlString | None
    AutoScalingGroupState: AutoScalingGroupState | None
    AutoScalingGroupARN: ResourceName | None


Activities = list[Activity]


class ActivitiesType(TypedDict, total=False):
    Activities: Activities
    NextToken: XmlString | None


ActivityIds = list[XmlString]


class ActivityType(TypedDict, total=False):
    Activity: Activity | None


class AdjustmentType(TypedDict, total=False):
    AdjustmentType: XmlStringMaxLen255 | None


AdjustmentTypes = list[AdjustmentType]


class Alarm(TypedDict, total=False):
    AlarmName: XmlStringMaxLen255 | None
    AlarmARN: ResourceName | None


AlarmList = list[XmlStringMaxLen255]


class AlarmSpecification(TypedDict, total=False):
    Alarms: AlarmList | None


Alarms = list[Alarm]
AllowedInstanceTypes = list[AllowedInstanceType]
InstanceIds = list[XmlStringMaxLen19]


class AttachInstancesQuery(ServiceRequest):
    InstanceIds: InstanceIds | None
    AutoScalingGroupName: XmlStringMaxLen255


class AttachLoadBalancerTargetGroupsResultType(TypedDict, total=False):
    pass


TargetGroupARNs = list[XmlStringMaxLen511]


class AttachLoadBalancerTargetGroupsType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TargetGroupARNs: TargetGroupARNs


class AttachLoadBalancersResultType(TypedDict, total=False):
    pass


LoadBalancerNames = list[XmlStringMaxLen255]


class AttachLoadBalancersType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    LoadBalancerNames: LoadBalancerNames


class AttachTrafficSourcesResultType(TypedDict, total=False):
    pass


class TrafficSourceIdentifier(TypedDict, total=False):
    Identifier: XmlStringMaxLen511
    Type: XmlStringMaxLen511 | None


TrafficSources = list[TrafficSourceIdentifier]


class AttachTrafficSourcesType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TrafficSources: TrafficSources
    SkipZonalShiftValidation: SkipZonalShiftValidation | None


class RetentionTriggers(TypedDict, total=False):
    TerminateHookAbandon: RetentionAction | None


class InstanceLifecyclePolicy(TypedDict, total=False):
    RetentionTriggers: RetentionTriggers | None


CapacityReservationResourceGroupArns = list[ResourceName]
CapacityReservationIds = list[AsciiStringMaxLen255]


class CapacityReservationTarget(TypedDict, total=False):
    CapacityReservationIds: CapacityReservationIds | None
    CapacityReservationResourceGroupArns: CapacityReservationResourceGroupArns | None


class CapacityReservationSpecification(TypedDict, total=False):
    CapacityReservationPreference: CapacityReservationPreference | None
    CapacityReservationTarget: CapacityReservationTarget | None


class AvailabilityZoneImpairmentPolicy(TypedDict, total=False):
    ZonalShiftEnabled: ZonalShiftEnabled | None
    ImpairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior | None


class AvailabilityZoneDistribution(TypedDict, total=False):
    CapacityDistributionStrategy: CapacityDistributionStrategy | None


class InstanceMaintenancePolicy(TypedDict, total=False):
    MinHealthyPercentage: IntPercentResettable | None
    MaxHealthyPercentage: IntPercent100To200Resettable | None


class InstanceReusePolicy(TypedDict, total=False):
    ReuseOnScaleIn: ReuseOnScaleIn | None


class WarmPoolConfiguration(TypedDict, total=False):
    MaxGroupPreparedCapacity: MaxGroupPreparedCapacity | None
    MinSize: WarmPoolMinSize | None
    PoolState: WarmPoolState | None
    Status: WarmPoolStatus | None
    InstanceReusePolicy: InstanceReusePolicy | None


TerminationPolicies = list[XmlStringMaxLen1600]


class TagDescription(TypedDict, total=False):
    ResourceId: XmlString | None
    ResourceType: XmlString | None
    Key: TagKey | None
    Value: TagValue | None
    PropagateAtLaunch: PropagateAtLaunch | None


TagDescriptionList = list[TagDescription]


class EnabledMetric(TypedDict, total=False):
    Metric: XmlStringMaxLen255 | None
    Granularity: XmlStringMaxLen255 | None


EnabledMetrics = list[EnabledMetric]


class SuspendedProcess(TypedDict, total=False):
    ProcessName: XmlStringMaxLen255 | None
    SuspensionReason: XmlStringMaxLen255 | None


SuspendedProcesses = list[SuspendedProcess]


class LaunchTemplateSpecification(TypedDict, total=False):
    LaunchTemplateId: XmlStringMaxLen255 | None
    LaunchTemplateName: LaunchTemplateName | None
    Version: XmlStringMaxLen255 | None


class Instance(TypedDict, total=False):
    InstanceId: XmlStringMaxLen19
    InstanceType: XmlStringMaxLen255 | None
    AvailabilityZone: XmlStringMaxLen255
    LifecycleState: LifecycleState
    HealthStatus: XmlStringMaxLen32
    LaunchConfigurationName: XmlStringMaxLen255 | None
    LaunchTemplate: LaunchTemplateSpecification | None
    ImageId: XmlStringMaxLen255 | None
    ProtectedFromScaleIn: InstanceProtected
    WeightedCapacity: XmlStringMaxLen32 | None


Instances = list[Instance]
AvailabilityZones = list[XmlStringMaxLen255]


class InstancesDistribution(TypedDict, total=False):
    OnDemandAllocationStrategy: XmlString | None
    OnDemandBaseCapacity: OnDemandBaseCapacity | None
    OnDemandPercentageAboveBaseCapacity: OnDemandPercentageAboveBaseCapacity | None
    SpotAllocationStrategy: XmlString | None
    SpotInstancePools: SpotInstancePools | None
    SpotMaxPrice: MixedInstanceSpotPrice | None


class PerformanceFactorReferenceRequest(TypedDict, total=False):
    InstanceFamily: String | None


PerformanceFactorReferenceSetRequest = list[PerformanceFactorReferenceRequest]


class CpuPerformanceFactorRequest(TypedDict, total=False):
    References: PerformanceFactorReferenceSetRequest | None


class BaselinePerformanceFactorsRequest(TypedDict, total=False):
    Cpu: CpuPerformanceFactorRequest | None


class NetworkBandwidthGbpsRequest(TypedDict, total=False):
    Min: NullablePositiveDouble | None
    Max: NullablePositiveDouble | None


class BaselineEbsBandwidthMbpsRequest(TypedDict, total=False):
    Min: NullablePositiveInteger | None
    Max: NullablePositiveInteger | None


class TotalLocalStorageGBRequest(TypedDict, total=False):
    Min: NullablePositiveDouble | None
    Max: NullablePositiveDouble | None


LocalStorageTypes = list[LocalStorageType]


class NetworkInterfaceCountRequest(TypedDict, total=False):
    Min: NullablePositiveInteger | None
    Max: NullablePositiveInteger | None


InstanceGenerations = list[InstanceGeneration]
ExcludedInstanceTypes = list[ExcludedInstance]


class MemoryGiBPerVCpuRequest(TypedDict, total=False):
    Min: NullablePositiveDouble | None
    Max: NullablePositiveDouble | None


CpuManufacturers = list[CpuManufacturer]


class MemoryMiBRequest(TypedDict, total=False):
    Min: NullablePositiveInteger
    Max: NullablePositiveInteger | None


class VCpuCountRequest(TypedDict, total=False):
    Min: NullablePositiveInteger
    Max: NullablePositiveInteger | None


class InstanceRequirements(TypedDict, total=False):
    VCpuCount: VCpuCountRequest
    MemoryMiB: MemoryMiBRequest
    CpuManufacturers: CpuManufacturers | None
    MemoryGiBPerVCpu: MemoryGiBPerVCpuRequest | None
    ExcludedInstanceTypes: ExcludedInstanceTypes | None
    InstanceGenerations: InstanceGenerations | None
    SpotMaxPricePercentageOverLowestPrice: NullablePositiveInteger | None
    MaxSpotPriceAsPercentageOfOptimalOnDemandPrice: NullablePositiveInteger | None
    OnDemandMaxPricePercentageOverLowestPrice: NullablePositiveInteger | None
    BareMetal: BareMetal | None
    BurstablePerformance: BurstablePerformance | None
    RequireHibernateSupport: NullableBoolean | None
    NetworkInterfaceCount: NetworkInterfaceCountRequest | None
    LocalStorage: LocalStorage | None
    LocalStorageTypes: LocalStorageTypes | None
    TotalLocalStorageGB: TotalLocalStorageGBRequest | None
    BaselineEbsBandwidthMbps: BaselineEbsBandwidthMbpsRequest | None
    AcceleratorTypes: AcceleratorTypes | None
    AcceleratorCount: AcceleratorCountRequest | None
    AcceleratorManufacturers: AcceleratorManufacturers | None
    AcceleratorNames: AcceleratorNames | None
    AcceleratorTotalMemoryMiB: AcceleratorTotalMemoryMiBRequest | None
    NetworkBandwidthGbps: NetworkBandwidthGbpsRequest | None
    AllowedInstanceTypes: AllowedInstanceTypes | None
    BaselinePerformanceFactors: BaselinePerformanceFactorsRequest | None


class LaunchTemplateOverrides(TypedDict, total=False):
    InstanceType: XmlStringMaxLen255 | None
    WeightedCapacity: XmlStringMaxLen32 | None
    LaunchTemplateSpecification: LaunchTemplateSpecification | None
    InstanceRequirements: InstanceRequirements | None
    ImageId: ImageId | None


Overrides = list[LaunchTemplateOverrides]


class LaunchTemplate(TypedDict, total=False):
    LaunchTemplateSpecification: LaunchTemplateSpecification | None
    Overrides: Overrides | None


class MixedInstancesPolicy(TypedDict, total=False):
    LaunchTemplate: LaunchTemplate | None
    InstancesDistribution: InstancesDistribution | None


class AutoScalingGroup(TypedDict, total=False):
    AutoScalingGroupName: XmlStringMaxLen255
    AutoScalingGroupARN: ResourceName | None
    LaunchConfigurationName: XmlStringMaxLen255 | None
    LaunchTemplate: LaunchTemplateSpecification | None
    MixedInstancesPolicy: MixedInstancesPolicy | None
    MinSize: AutoScalingGroupMinSize
    MaxSize: AutoScalingGroupMaxSize
    DesiredCapacity: AutoScalingGroupDesiredCapacity
    PredictedCapacity: AutoScalingGroupPredictedCapacity | None
    DefaultCooldown: Cooldown
    AvailabilityZones: AvailabilityZones
    LoadBalancerNames: LoadBalancerNames | None
    TargetGroupARNs: TargetGroupARNs | None
    HealthCheckType: XmlStringMaxLen32
    HealthCheckGracePeriod: HealthCheckGracePeriod | None
    Instances: Instances | None
    CreatedTime: TimestampType
    SuspendedProcesses: SuspendedProcesses | None
    PlacementGroup: XmlStringMaxLen255 | None
    VPCZoneIdentifier: XmlStringMaxLen5000 | None
    EnabledMetrics: EnabledMetrics | None
    Status: XmlStringMaxLen255 | None
    Tags: TagDescriptionList | None
    TerminationPolicies: TerminationPolicies | None
    NewInstancesProtectedFromScaleIn: InstanceProtected | None
    ServiceLinkedRoleARN: ResourceName | None
    MaxInstanceLifetime: MaxInstanceLifetime | None
    CapacityRebalance: CapacityRebalanceEnabled | None
    WarmPoolConfiguration: WarmPoolConfiguration | None
    WarmPoolSize: WarmPoolSize | None
    Context: Context | None
    DesiredCapacityType: XmlStringMaxLen255 | None
    DefaultInstanceWarmup: DefaultInstanceWarmup | None
    TrafficSources: TrafficSources | None
    InstanceMaintenancePolicy: InstanceMaintenancePolicy | None
    DeletionProtection: DeletionProtection | None
    AvailabilityZoneDistribution: AvailabilityZoneDistribution | None
    AvailabilityZoneImpairmentPolicy: AvailabilityZoneImpairmentPolicy | None
    CapacityReservationSpecification: CapacityReservationSpecification | None
    InstanceLifecyclePolicy: InstanceLifecyclePolicy | None


AutoScalingGroupNames = list[XmlStringMaxLen255]
Values = list[XmlString]


class Filter(TypedDict, total=False):
    Name: XmlString | None
    Values: Values | None


Filters = list[Filter]


class AutoScalingGroupNamesType(ServiceRequest):
    AutoScalingGroupNames: AutoScalingGroupNames | None
    IncludeInstances: IncludeInstances | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None
    Filters: Filters | None


AutoScalingGroups = list[AutoScalingGroup]


class AutoScalingGroupsType(TypedDict, total=False):
    AutoScalingGroups: AutoScalingGroups
    NextToken: XmlString | None


class AutoScalingInstanceDetails(TypedDict, total=False):
    InstanceId: XmlStringMaxLen19
    InstanceType: XmlStringMaxLen255 | None
    AutoScalingGroupName: XmlStringMaxLen255
    AvailabilityZone: XmlStringMaxLen255
    LifecycleState: XmlStringMaxLen32
    HealthStatus: XmlStringMaxLen32
    LaunchConfigurationName: XmlStringMaxLen255 | None
    LaunchTemplate: LaunchTemplateSpecification | None
    ImageId: XmlStringMaxLen255 | None
    ProtectedFromScaleIn: InstanceProtected
    WeightedCapacity: XmlStringMaxLen32 | None


AutoScalingInstances = list[AutoScalingInstanceDetails]


class AutoScalingInstancesType(TypedDict, total=False):
    AutoScalingInstances: AutoScalingInstances | None
    NextToken: XmlString | None


AutoScalingNotificationTypes = list[XmlStringMaxLen255]
AvailabilityZoneIdsLimit1 = list[XmlStringMaxLen255]
AvailabilityZonesLimit1 = list[XmlStringMaxLen255]


class FailedScheduledUpdateGroupActionRequest(TypedDict, total=False):
    ScheduledActionName: XmlStringMaxLen255
    ErrorCode: XmlStringMaxLen64 | None
    ErrorMessage: XmlString | None


FailedScheduledUpdateGroupActionRequests = list[FailedScheduledUpdateGroupActionRequest]


class BatchDeleteScheduledActionAnswer(TypedDict, total=False):
    FailedScheduledActions: FailedScheduledUpdateGroupActionRequests | None


ScheduledActionNames = list[XmlStringMaxLen255]


class BatchDeleteScheduledActionType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ScheduledActionNames: ScheduledActionNames


class BatchPutScheduledUpdateGroupActionAnswer(TypedDict, total=False):
    FailedScheduledUpdateGroupActions: FailedScheduledUpdateGroupActionRequests | None


class ScheduledUpdateGroupActionRequest(TypedDict, total=False):
    ScheduledActionName: XmlStringMaxLen255
    StartTime: TimestampType | None
    EndTime: TimestampType | None
    Recurrence: XmlStringMaxLen255 | None
    MinSize: AutoScalingGroupMinSize | None
    MaxSize: AutoScalingGroupMaxSize | None
    DesiredCapacity: AutoScalingGroupDesiredCapacity | None
    TimeZone: XmlStringMaxLen255 | None


ScheduledUpdateGroupActionRequests = list[ScheduledUpdateGroupActionRequest]


class BatchPutScheduledUpdateGroupActionType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ScheduledUpdateGroupActions: ScheduledUpdateGroupActionRequests


class Ebs(TypedDict, total=False):
    SnapshotId: XmlStringMaxLen255 | None
    VolumeSize: BlockDeviceEbsVolumeSize | None
    VolumeType: BlockDeviceEbsVolumeType | None
    DeleteOnTermination: BlockDeviceEbsDeleteOnTermination | None
    Iops: BlockDeviceEbsIops | None
    Encrypted: BlockDeviceEbsEncrypted | None
    Throughput: BlockDeviceEbsThroughput | None


class BlockDeviceMapping(TypedDict, total=False):
    VirtualName: XmlStringMaxLen255 | None
    DeviceName: XmlStringMaxLen255
    Ebs: Ebs | None
    NoDevice: NoDevice | None


BlockDeviceMappings = list[BlockDeviceMapping]


class CancelInstanceRefreshAnswer(TypedDict, total=False):
    InstanceRefreshId: XmlStringMaxLen255 | None


class CancelInstanceRefreshType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    WaitForTransitioningInstances: BooleanType | None


PredictiveScalingForecastValues = list[MetricScale]
PredictiveScalingForecastTimestamps = list[TimestampType]


class CapacityForecast(TypedDict, total=False):
    Timestamps: PredictiveScalingForecastTimestamps
    Values: PredictiveScalingForecastValues


CheckpointPercentages = list[NonZeroIntPercent]
ClassicLinkVPCSecurityGroups = list[XmlStringMaxLen255]


class CompleteLifecycleActionAnswer(TypedDict, total=False):
    pass


class CompleteLifecycleActionType(ServiceRequest):
    LifecycleHookName: AsciiStringMaxLen255
    AutoScalingGroupName: ResourceName
    LifecycleActionToken: LifecycleActionToken | None
    LifecycleActionResult: LifecycleActionResult
    InstanceId: XmlStringMaxLen19 | None


class Tag(TypedDict, total=False):
    ResourceId: XmlString | None
    ResourceType: XmlString | None
    Key: TagKey
    Value: TagValue | None
    PropagateAtLaunch: PropagateAtLaunch | None


Tags = list[Tag]


class LifecycleHookSpecification(TypedDict, total=False):
    LifecycleHookName: AsciiStringMaxLen255
    LifecycleTransition: LifecycleTransition
    NotificationMetadata: AnyPrintableAsciiStringMaxLen4000 | None
    HeartbeatTimeout: HeartbeatTimeout | None
    DefaultResult: LifecycleActionResult | None
    NotificationTargetARN: NotificationTargetResourceName | None
    RoleARN: XmlStringMaxLen255 | None


LifecycleHookSpecifications = list[LifecycleHookSpecification]


class CreateAutoScalingGroupType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    LaunchConfigurationName: XmlStringMaxLen255 | None
    LaunchTemplate: LaunchTemplateSpecification | None
    MixedInstancesPolicy: MixedInstancesPolicy | None
    InstanceId: XmlStringMaxLen19 | None
    MinSize: AutoScalingGroupMinSize
    MaxSize: AutoScalingGroupMaxSize
    DesiredCapacity: AutoScalingGroupDesiredCapacity | None
    DefaultCooldown: Cooldown | None
    AvailabilityZones: AvailabilityZones | None
    LoadBalancerNames: LoadBalancerNames | None
    TargetGroupARNs: TargetGroupARNs | None
    HealthCheckType: XmlStringMaxLen32 | None
    HealthCheckGracePeriod: HealthCheckGracePeriod | None
    PlacementGroup: XmlStringMaxLen255 | None
    VPCZoneIdentifier: XmlStringMaxLen5000 | None
    TerminationPolicies: TerminationPolicies | None
    NewInstancesProtectedFromScaleIn: InstanceProtected | None
    CapacityRebalance: CapacityRebalanceEnabled | None
    LifecycleHookSpecificationList: LifecycleHookSpecifications | None
    DeletionProtection: DeletionProtection | None
    Tags: Tags | None
    ServiceLinkedRoleARN: ResourceName | None
    MaxInstanceLifetime: MaxInstanceLifetime | None
    Context: Context | None
    DesiredCapacityType: XmlStringMaxLen255 | None
    DefaultInstanceWarmup: DefaultInstanceWarmup | None
    TrafficSources: TrafficSources | None
    InstanceMaintenancePolicy: InstanceMaintenancePolicy | None
    AvailabilityZoneDistribution: AvailabilityZoneDistribution | None
    AvailabilityZoneImpairmentPolicy: AvailabilityZoneImpairmentPolicy | None
    SkipZonalShiftValidation: SkipZonalShiftValidation | None
    CapacityReservationSpecification: CapacityReservationSpecification | None
    InstanceLifecyclePolicy: InstanceLifecyclePolicy | None


class InstanceMetadataOptions(TypedDict, total=False):
    HttpTokens: InstanceMetadataHttpTokensState | None
    HttpPutResponseHopLimit: InstanceMetadataHttpPutResponseHopLimit | None
    HttpEndpoint: InstanceMetadataEndpointState | None


class InstanceMonitoring(TypedDict, total=False):
    Enabled: MonitoringEnabled | None


SecurityGroups = list[XmlString]


class CreateLaunchConfigurationType(ServiceRequest):
    LaunchConfigurationName: XmlStringMaxLen255
    ImageId: XmlStringMaxLen255 | None
    KeyName: XmlStringMaxLen255 | None
    SecurityGroups: SecurityGroups | None
    ClassicLinkVPCId: XmlStringMaxLen255 | None
    ClassicLinkVPCSecurityGroups: ClassicLinkVPCSecurityGroups | None
    UserData: XmlStringUserData | None
    InstanceId: XmlStringMaxLen19 | None
    InstanceType: XmlStringMaxLen255 | None
    KernelId: XmlStringMaxLen255 | None
    RamdiskId: XmlStringMaxLen255 | None
    BlockDeviceMappings: BlockDeviceMappings | None
    InstanceMonitoring: InstanceMonitoring | None
    SpotPrice: SpotPrice | None
    IamInstanceProfile: XmlStringMaxLen1600 | None
    EbsOptimized: EbsOptimized | None
    AssociatePublicIpAddress: AssociatePublicIpAddress | None
    PlacementTenancy: XmlStringMaxLen64 | None
    MetadataOptions: InstanceMetadataOptions | None


class CreateOrUpdateTagsType(ServiceRequest):
    Tags: Tags


class MetricDimension(TypedDict, total=False):
    Name: MetricDimensionName
    Value: MetricDimensionValue


MetricDimensions = list[MetricDimension]


class Metric(TypedDict, total=False):
    Namespace: MetricNamespace
    MetricName: MetricName
    Dimensions: MetricDimensions | None


class TargetTrackingMetricStat(TypedDict, total=False):
    Metric: Metric
    Stat: XmlStringMetricStat
    Unit: MetricUnit | None
    Period: MetricGranularityInSeconds | None


class TargetTrackingMetricDataQuery(TypedDict, total=False):
    Id: XmlStringMaxLen64
    Expression: XmlStringMaxLen2047 | None
    MetricStat: TargetTrackingMetricStat | None
    Label: XmlStringMetricLabel | None
    Period: MetricGranularityInSeconds | None
    ReturnData: ReturnData | None


TargetTrackingMetricDataQueries = list[TargetTrackingMetricDataQuery]


class CustomizedMetricSpecification(TypedDict, total=False):
    MetricName: MetricName | None
    Namespace: MetricNamespace | None
    Dimensions: MetricDimensions | None
    Statistic: MetricStatistic | None
    Unit: MetricUnit | None
    Period: MetricGranularityInSeconds | None
    Metrics: TargetTrackingMetricDataQueries | None


class DeleteAutoScalingGroupType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ForceDelete: ForceDelete | None


class DeleteLifecycleHookAnswer(TypedDict, total=False):
    pass


class DeleteLifecycleHookType(ServiceRequest):
    LifecycleHookName: AsciiStringMaxLen255
    AutoScalingGroupName: XmlStringMaxLen255


class DeleteNotificationConfigurationType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TopicARN: XmlStringMaxLen255


class DeletePolicyType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    PolicyName: ResourceName


class DeleteScheduledActionType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ScheduledActionName: XmlStringMaxLen255


class DeleteTagsType(ServiceRequest):
    Tags: Tags


class DeleteWarmPoolAnswer(TypedDict, total=False):
    pass


class DeleteWarmPoolType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ForceDelete: ForceDelete | None


class DescribeAccountLimitsAnswer(TypedDict, total=False):
    MaxNumberOfAutoScalingGroups: MaxNumberOfAutoScalingGroups | None
    MaxNumberOfLaunchConfigurations: MaxNumberOfLaunchConfigurations | None
    NumberOfAutoScalingGroups: NumberOfAutoScalingGroups | None
    NumberOfLaunchConfigurations: NumberOfLaunchConfigurations | None


class DescribeAdjustmentTypesAnswer(TypedDict, total=False):
    AdjustmentTypes: AdjustmentTypes | None


class DescribeAutoScalingInstancesType(ServiceRequest):
    InstanceIds: InstanceIds | None
    MaxRecords: MaxRecords | None
    NextToken: XmlString | None


class DescribeAutoScalingNotificationTypesAnswer(TypedDict, total=False):
    AutoScalingNotificationTypes: AutoScalingNotificationTypes | None


class InstanceRefreshWarmPoolProgress(TypedDict, total=False):
    PercentageComplete: IntPercent | None
    InstancesToUpdate: InstancesToUpdate | None


class InstanceRefreshLivePoolProgress(TypedDict, total=False):
    PercentageComplete: IntPercent | None
    InstancesToUpdate: InstancesToUpdate | None


class InstanceRefreshProgressDetails(TypedDict, total=False):
    LivePoolProgress: InstanceRefreshLivePoolProgress | None
    WarmPoolProgress: InstanceRefreshWarmPoolProgress | None


class RollbackDetails(TypedDict, total=False):
    RollbackReason: XmlStringMaxLen1023 | None
    RollbackStartTime: TimestampType | None
    PercentageCompleteOnRollback: IntPercent | None
    InstancesToUpdateOnRollback: InstancesToUpdate | None
    ProgressDetailsOnRollback: InstanceRefreshProgressDetails | None


class DesiredConfiguration(TypedDict, total=False):
    LaunchTemplate: LaunchTemplateSpecification | None
    MixedInstancesPolicy: MixedInstancesPolicy | None


class RefreshPreferences(TypedDict, total=False):
    MinHealthyPercentage: IntPercent | None
    InstanceWarmup: RefreshInstanceWarmup | None
    CheckpointPercentages: CheckpointPercentages | None
    CheckpointDelay: CheckpointDelay | None
    SkipMatching: SkipMatching | None
    AutoRollback: AutoRollback | None
    ScaleInProtectedInstances: ScaleInProtectedInstances | None
    StandbyInstances: StandbyInstances | None
    AlarmSpecification: AlarmSpecification | None
    MaxHealthyPercentage: IntPercent100To200 | None
    BakeTime: BakeTime | None


class InstanceRefresh(TypedDict, total=False):
    InstanceRefreshId: XmlStringMaxLen255 | None
    AutoScalingGroupName: XmlStringMaxLen255 | None
    Status: InstanceRefreshStatus | None
    StatusReason: XmlStringMaxLen1023 | None
    StartTime: TimestampType | None
    EndTime: TimestampType | None
    PercentageComplete: IntPercent | None
    InstancesToUpdate: InstancesToUpdate | None
    ProgressDetails: InstanceRefreshProgressDetails | None
    Preferences: RefreshPreferences | None
    DesiredConfiguration: DesiredConfiguration | None
    RollbackDetails: RollbackDetails | None
    Strategy: RefreshStrategy | None


InstanceRefreshes = list[InstanceRefresh]


class DescribeInstanceRefreshesAnswer(TypedDict, total=False):
    InstanceRefreshes: InstanceRefreshes | None
    NextToken: XmlString | None


InstanceRefreshIds = list[XmlStringMaxLen255]


class DescribeInstanceRefreshesType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    InstanceRefreshIds: InstanceRefreshIds | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class DescribeLifecycleHookTypesAnswer(TypedDict, total=False):
    LifecycleHookTypes: AutoScalingNotificationTypes | None


class LifecycleHook(TypedDict, total=False):
    LifecycleHookName: AsciiStringMaxLen255 | None
    AutoScalingGroupName: XmlStringMaxLen255 | None
    LifecycleTransition: LifecycleTransition | None
    NotificationTargetARN: NotificationTargetResourceName | None
    RoleARN: XmlStringMaxLen255 | None
    NotificationMetadata: AnyPrintableAsciiStringMaxLen4000 | None
    HeartbeatTimeout: HeartbeatTimeout | None
    GlobalTimeout: GlobalTimeout | None
    DefaultResult: LifecycleActionResult | None


LifecycleHooks = list[LifecycleHook]


class DescribeLifecycleHooksAnswer(TypedDict, total=False):
    LifecycleHooks: LifecycleHooks | None


LifecycleHookNames = list[AsciiStringMaxLen255]


class DescribeLifecycleHooksType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    LifecycleHookNames: LifecycleHookNames | None


class DescribeLoadBalancerTargetGroupsRequest(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class LoadBalancerTargetGroupState(TypedDict, total=False):
    LoadBalancerTargetGroupARN: XmlStringMaxLen511 | None
    State: XmlStringMaxLen255 | None


LoadBalancerTargetGroupStates = list[LoadBalancerTargetGroupState]


class DescribeLoadBalancerTargetGroupsResponse(TypedDict, total=False):
    LoadBalancerTargetGroups: LoadBalancerTargetGroupStates | None
    NextToken: XmlString | None


class DescribeLoadBalancersRequest(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class LoadBalancerState(TypedDict, total=False):
    LoadBalancerName: XmlStringMaxLen255 | None
    State: XmlStringMaxLen255 | None


LoadBalancerStates = list[LoadBalancerState]


class DescribeLoadBalancersResponse(TypedDict, total=False):
    LoadBalancers: LoadBalancerStates | None
    NextToken: XmlString | None


class MetricGranularityType(TypedDict, total=False):
    Granularity: XmlStringMaxLen255 | None


MetricGranularityTypes = list[MetricGranularityType]


class MetricCollectionType(TypedDict, total=False):
    Metric: XmlStringMaxLen255 | None


MetricCollectionTypes = list[MetricCollectionType]


class DescribeMetricCollectionTypesAnswer(TypedDict, total=False):
    Metrics: MetricCollectionTypes | None
    Granularities: MetricGranularityTypes | None


class NotificationConfiguration(TypedDict, total=False):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    TopicARN: XmlStringMaxLen255 | None
    NotificationType: XmlStringMaxLen255 | None


NotificationConfigurations = list[NotificationConfiguration]


class DescribeNotificationConfigurationsAnswer(TypedDict, total=False):
    NotificationConfigurations: NotificationConfigurations
    NextToken: XmlString | None


class DescribeNotificationConfigurationsType(ServiceRequest):
    AutoScalingGroupNames: AutoScalingGroupNames | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


PolicyTypes = list[XmlStringMaxLen64]
PolicyNames = list[ResourceName]


class DescribePoliciesType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    PolicyNames: PolicyNames | None
    PolicyTypes: PolicyTypes | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class DescribeScalingActivitiesType(ServiceRequest):
    ActivityIds: ActivityIds | None
    AutoScalingGroupName: XmlStringMaxLen255 | None
    IncludeDeletedGroups: IncludeDeletedGroups | None
    MaxRecords: MaxRecords | None
    NextToken: XmlString | None
    Filters: Filters | None


class DescribeScheduledActionsType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    ScheduledActionNames: ScheduledActionNames | None
    StartTime: TimestampType | None
    EndTime: TimestampType | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class DescribeTagsType(ServiceRequest):
    Filters: Filters | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class DescribeTerminationPolicyTypesAnswer(TypedDict, total=False):
    TerminationPolicyTypes: TerminationPolicies | None


class DescribeTrafficSourcesRequest(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TrafficSourceType: XmlStringMaxLen255 | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


class TrafficSourceState(TypedDict, total=False):
    TrafficSource: XmlStringMaxLen511 | None
    State: XmlStringMaxLen255 | None
    Identifier: XmlStringMaxLen511 | None
    Type: XmlStringMaxLen511 | None


TrafficSourceStates = list[TrafficSourceState]


class DescribeTrafficSourcesResponse(TypedDict, total=False):
    TrafficSources: TrafficSourceStates | None
    NextToken: XmlString | None


class DescribeWarmPoolAnswer(TypedDict, total=False):
    WarmPoolConfiguration: WarmPoolConfiguration | None
    Instances: Instances | None
    NextToken: XmlString | None


class DescribeWarmPoolType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    MaxRecords: MaxRecords | None
    NextToken: XmlString | None


class DetachInstancesAnswer(TypedDict, total=False):
    Activities: Activities | None


class DetachInstancesQuery(ServiceRequest):
    InstanceIds: InstanceIds | None
    AutoScalingGroupName: XmlStringMaxLen255
    ShouldDecrementDesiredCapacity: ShouldDecrementDesiredCapacity


class DetachLoadBalancerTargetGroupsResultType(TypedDict, total=False):
    pass


class DetachLoadBalancerTargetGroupsType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TargetGroupARNs: TargetGroupARNs


class DetachLoadBalancersResultType(TypedDict, total=False):
    pass


class DetachLoadBalancersType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    LoadBalancerNames: LoadBalancerNames


class DetachTrafficSourcesResultType(TypedDict, total=False):
    pass


class DetachTrafficSourcesType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TrafficSources: TrafficSources


Metrics = list[XmlStringMaxLen255]


class DisableMetricsCollectionQuery(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    Metrics: Metrics | None


class EnableMetricsCollectionQuery(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    Metrics: Metrics | None
    Granularity: XmlStringMaxLen255


class EnterStandbyAnswer(TypedDict, total=False):
    Activities: Activities | None


class EnterStandbyQuery(ServiceRequest):
    InstanceIds: InstanceIds | None
    AutoScalingGroupName: XmlStringMaxLen255
    ShouldDecrementDesiredCapacity: ShouldDecrementDesiredCapacity


class ExecutePolicyType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    PolicyName: ResourceName
    HonorCooldown: HonorCooldown | None
    MetricValue: MetricScale | None
    BreachThreshold: MetricScale | None


class ExitStandbyAnswer(TypedDict, total=False):
    Activities: Activities | None


class ExitStandbyQuery(ServiceRequest):
    InstanceIds: InstanceIds | None
    AutoScalingGroupName: XmlStringMaxLen255


class MetricStat(TypedDict, total=False):
    Metric: Metric
    Stat: XmlStringMetricStat
    Unit: MetricUnit | None


class MetricDataQuery(TypedDict, total=False):
    Id: XmlStringMaxLen255
    Expression: XmlStringMaxLen1023 | None
    MetricStat: MetricStat | None
    Label: XmlStringMetricLabel | None
    ReturnData: ReturnData | None


MetricDataQueries = list[MetricDataQuery]


class PredictiveScalingCustomizedCapacityMetric(TypedDict, total=False):
    MetricDataQueries: MetricDataQueries


class PredictiveScalingCustomizedLoadMetric(TypedDict, total=False):
    MetricDataQueries: MetricDataQueries


class PredictiveScalingCustomizedScalingMetric(TypedDict, total=False):
    MetricDataQueries: MetricDataQueries


class PredictiveScalingPredefinedLoadMetric(TypedDict, total=False):
    PredefinedMetricType: PredefinedLoadMetricType
    ResourceLabel: XmlStringMaxLen1023 | None


class PredictiveScalingPredefinedScalingMetric(TypedDict, total=False):
    PredefinedMetricType: PredefinedScalingMetricType
    ResourceLabel: XmlStringMaxLen1023 | None


class PredictiveScalingPredefinedMetricPair(TypedDict, total=False):
    PredefinedMetricType: PredefinedMetricPairType
    ResourceLabel: XmlStringMaxLen1023 | None


class PredictiveScalingMetricSpecification(TypedDict, total=False):
    TargetValue: MetricScale
    PredefinedMetricPairSpecification: PredictiveScalingPredefinedMetricPair | None
    PredefinedScalingMetricSpecification: PredictiveScalingPredefinedScalingMetric | None
    PredefinedLoadMetricSpecification: PredictiveScalingPredefinedLoadMetric | None
    CustomizedScalingMetricSpecification: PredictiveScalingCustomizedScalingMetric | None
    CustomizedLoadMetricSpecification: PredictiveScalingCustomizedLoadMetric | None
    CustomizedCapacityMetricSpecification: PredictiveScalingCustomizedCapacityMetric | None


class LoadForecast(TypedDict, total=False):
    Timestamps: PredictiveScalingForecastTimestamps
    Values: PredictiveScalingForecastValues
    MetricSpecification: PredictiveScalingMetricSpecification


LoadForecasts = list[LoadForecast]


class GetPredictiveScalingForecastAnswer(TypedDict, total=False):
    LoadForecast: LoadForecasts
    CapacityForecast: CapacityForecast
    UpdateTime: TimestampType


class GetPredictiveScalingForecastType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    PolicyName: XmlStringMaxLen255
    StartTime: TimestampType
    EndTime: TimestampType


class InstanceCollection(TypedDict, total=False):
    InstanceType: XmlStringMaxLen255 | None
    MarketType: XmlStringMaxLen64 | None
    SubnetId: XmlStringMaxLen255 | None
    AvailabilityZone: XmlStringMaxLen255 | None
    AvailabilityZoneId: XmlStringMaxLen255 | None
    InstanceIds: InstanceIds | None


InstanceCollections = list[InstanceCollection]


class LaunchConfiguration(TypedDict, total=False):
    LaunchConfigurationName: XmlStringMaxLen255
    LaunchConfigurationARN: ResourceName | None
    ImageId: XmlStringMaxLen255
    KeyName: XmlStringMaxLen255 | None
    SecurityGroups: SecurityGroups | None
    ClassicLinkVPCId: XmlStringMaxLen255 | None
    ClassicLinkVPCSecurityGroups: ClassicLinkVPCSecurityGroups | None
    UserData: XmlStringUserData | None
    InstanceType: XmlStringMaxLen255
    KernelId: XmlStringMaxLen255 | None
    RamdiskId: XmlStringMaxLen255 | None
    BlockDeviceMappings: BlockDeviceMappings | None
    InstanceMonitoring: InstanceMonitoring | None
    SpotPrice: SpotPrice | None
    IamInstanceProfile: XmlStringMaxLen1600 | None
    CreatedTime: TimestampType
    EbsOptimized: EbsOptimized | None
    AssociatePublicIpAddress: AssociatePublicIpAddress | None
    PlacementTenancy: XmlStringMaxLen64 | None
    MetadataOptions: InstanceMetadataOptions | None


class LaunchConfigurationNameType(ServiceRequest):
    LaunchConfigurationName: XmlStringMaxLen255


LaunchConfigurationNames = list[XmlStringMaxLen255]


class LaunchConfigurationNamesType(ServiceRequest):
    LaunchConfigurationNames: LaunchConfigurationNames | None
    NextToken: XmlString | None
    MaxRecords: MaxRecords | None


LaunchConfigurations = list[LaunchConfiguration]


class LaunchConfigurationsType(TypedDict, total=False):
    LaunchConfigurations: LaunchConfigurations
    NextToken: XmlString | None


class LaunchInstancesError(TypedDict, total=False):
    InstanceType: XmlStringMaxLen255 | None
    MarketType: XmlStringMaxLen64 | None
    SubnetId: XmlStringMaxLen255 | None
    AvailabilityZone: XmlStringMaxLen255 | None
    AvailabilityZoneId: XmlStringMaxLen255 | None
    ErrorCode: XmlStringMaxLen64 | None
    ErrorMessage: XmlString | None


LaunchInstancesErrors = list[LaunchInstancesError]
SubnetIdsLimit1 = list[XmlStringMaxLen255]


class LaunchInstancesRequest(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    RequestedCapacity: RequestedCapacity
    ClientToken: ClientToken
    AvailabilityZones: AvailabilityZonesLimit1 | None
    AvailabilityZoneIds: AvailabilityZoneIdsLimit1 | None
    SubnetIds: SubnetIdsLimit1 | None
    RetryStrategy: RetryStrategy | None


class LaunchInstancesResult(TypedDict, total=False):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    ClientToken: ClientToken | None
    Instances: InstanceCollections | None
    Errors: LaunchInstancesErrors | None


PredictiveScalingMetricSpecifications = list[PredictiveScalingMetricSpecification]


class PredictiveScalingConfiguration(TypedDict, total=False):
    MetricSpecifications: PredictiveScalingMetricSpecifications
    Mode: PredictiveScalingMode | None
    SchedulingBufferTime: PredictiveScalingSchedulingBufferTime | None
    MaxCapacityBreachBehavior: PredictiveScalingMaxCapacityBreachBehavior | None
    MaxCapacityBuffer: PredictiveScalingMaxCapacityBuffer | None


class PredefinedMetricSpecification(TypedDict, total=False):
    PredefinedMetricType: MetricType
    ResourceLabel: XmlStringMaxLen1023 | None


class TargetTrackingConfiguration(TypedDict, total=False):
    PredefinedMetricSpecification: PredefinedMetricSpecification | None
    CustomizedMetricSpecification: CustomizedMetricSpecification | None
    TargetValue: MetricScale
    DisableScaleIn: DisableScaleIn | None


class StepAdjustment(TypedDict, total=False):
    MetricIntervalLowerBound: MetricScale | None
    MetricIntervalUpperBound: MetricScale | None
    ScalingAdjustment: PolicyIncrement


StepAdjustments = list[StepAdjustment]


class ScalingPolicy(TypedDict, total=False):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    PolicyName: XmlStringMaxLen255 | None
    PolicyARN: ResourceName | None
    PolicyType: XmlStringMaxLen64 | None
    AdjustmentType: XmlStringMaxLen255 | None
    MinAdjustmentStep: MinAdjustmentStep | None
    MinAdjustmentMagnitude: MinAdjustmentMagnitude | None
    ScalingAdjustment: PolicyIncrement | None
    Cooldown: Cooldown | None
    StepAdjustments: StepAdjustments | None
    MetricAggregationType: XmlStringMaxLen32 | None
    EstimatedInstanceWarmup: EstimatedInstanceWarmup | None
    Alarms: Alarms | None
    TargetTrackingConfiguration: TargetTrackingConfiguration | None
    Enabled: ScalingPolicyEnabled | None
    PredictiveScalingConfiguration: PredictiveScalingConfiguration | None


ScalingPolicies = list[ScalingPolicy]


class PoliciesType(TypedDict, total=False):
    ScalingPolicies: ScalingPolicies | None
    NextToken: XmlString | None


class PolicyARNType(TypedDict, total=False):
    PolicyARN: ResourceName | None
    Alarms: Alarms | None


ProcessNames = list[XmlStringMaxLen255]


class ProcessType(TypedDict, total=False):
    ProcessName: XmlStringMaxLen255


Processes = list[ProcessType]


class ProcessesType(TypedDict, total=False):
    Processes: Processes | None


class PutLifecycleHookAnswer(TypedDict, total=False):
    pass


class PutLifecycleHookType(ServiceRequest):
    LifecycleHookName: AsciiStringMaxLen255
    AutoScalingGroupName: XmlStringMaxLen255
    LifecycleTransition: LifecycleTransition | None
    RoleARN: XmlStringMaxLen255 | None
    NotificationTargetARN: NotificationTargetResourceName | None
    NotificationMetadata: AnyPrintableAsciiStringMaxLen4000 | None
    HeartbeatTimeout: HeartbeatTimeout | None
    DefaultResult: LifecycleActionResult | None


class PutNotificationConfigurationType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    TopicARN: XmlStringMaxLen255
    NotificationTypes: AutoScalingNotificationTypes


class PutScalingPolicyType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    PolicyName: XmlStringMaxLen255
    PolicyType: XmlStringMaxLen64 | None
    AdjustmentType: XmlStringMaxLen255 | None
    MinAdjustmentStep: MinAdjustmentStep | None
    MinAdjustmentMagnitude: MinAdjustmentMagnitude | None
    ScalingAdjustment: PolicyIncrement | None
    Cooldown: Cooldown | None
    MetricAggregationType: XmlStringMaxLen32 | None
    StepAdjustments: StepAdjustments | None
    EstimatedInstanceWarmup: EstimatedInstanceWarmup | None
    TargetTrackingConfiguration: TargetTrackingConfiguration | None
    Enabled: ScalingPolicyEnabled | None
    PredictiveScalingConfiguration: PredictiveScalingConfiguration | None


class PutScheduledUpdateGroupActionType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ScheduledActionName: XmlStringMaxLen255
    Time: TimestampType | None
    StartTime: TimestampType | None
    EndTime: TimestampType | None
    Recurrence: XmlStringMaxLen255 | None
    MinSize: AutoScalingGroupMinSize | None
    MaxSize: AutoScalingGroupMaxSize | None
    DesiredCapacity: AutoScalingGroupDesiredCapacity | None
    TimeZone: XmlStringMaxLen255 | None


class PutWarmPoolAnswer(TypedDict, total=False):
    pass


class PutWarmPoolType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    MaxGroupPreparedCapacity: MaxGroupPreparedCapacity | None
    MinSize: WarmPoolMinSize | None
    PoolState: WarmPoolState | None
    InstanceReusePolicy: InstanceReusePolicy | None


class RecordLifecycleActionHeartbeatAnswer(TypedDict, total=False):
    pass


class RecordLifecycleActionHeartbeatType(ServiceRequest):
    LifecycleHookName: AsciiStringMaxLen255
    AutoScalingGroupName: ResourceName
    LifecycleActionToken: LifecycleActionToken | None
    InstanceId: XmlStringMaxLen19 | None


class RollbackInstanceRefreshAnswer(TypedDict, total=False):
    InstanceRefreshId: XmlStringMaxLen255 | None


class RollbackInstanceRefreshType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255


class ScalingProcessQuery(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    ScalingProcesses: ProcessNames | None


class ScheduledUpdateGroupAction(TypedDict, total=False):
    AutoScalingGroupName: XmlStringMaxLen255 | None
    ScheduledActionName: XmlStringMaxLen255 | None
    ScheduledActionARN: ResourceName | None
    Time: TimestampType | None
    StartTime: TimestampType | None
    EndTime: TimestampType | None
    Recurrence: XmlStringMaxLen255 | None
    MinSize: AutoScalingGroupMinSize | None
    MaxSize: AutoScalingGroupMaxSize | None
    DesiredCapacity: AutoScalingGroupDesiredCapacity | None
    TimeZone: XmlStringMaxLen255 | None


ScheduledUpdateGroupActions = list[ScheduledUpdateGroupAction]


class ScheduledActionsType(TypedDict, total=False):
    ScheduledUpdateGroupActions: ScheduledUpdateGroupActions | None
    NextToken: XmlString | None


class SetDesiredCapacityType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    DesiredCapacity: AutoScalingGroupDesiredCapacity
    HonorCooldown: HonorCooldown | None


class SetInstanceHealthQuery(ServiceRequest):
    InstanceId: XmlStringMaxLen19
    HealthStatus: XmlStringMaxLen32
    ShouldRespectGracePeriod: ShouldRespectGracePeriod | None


class SetInstanceProtectionAnswer(TypedDict, total=False):
    pass


class SetInstanceProtectionQuery(ServiceRequest):
    InstanceIds: InstanceIds
    AutoScalingGroupName: XmlStringMaxLen255
    ProtectedFromScaleIn: ProtectedFromScaleIn


class StartInstanceRefreshAnswer(TypedDict, total=False):
    InstanceRefreshId: XmlStringMaxLen255 | None


class StartInstanceRefreshType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    Strategy: RefreshStrategy | None
    DesiredConfiguration: DesiredConfiguration | None
    Preferences: RefreshPreferences | None


class TagsType(TypedDict, total=False):
    Tags: TagDescriptionList | None
    NextToken: XmlString | None


class TerminateInstanceInAutoScalingGroupType(ServiceRequest):
    InstanceId: XmlStringMaxLen19
    ShouldDecrementDesiredCapacity: ShouldDecrementDesiredCapacity


class UpdateAutoScalingGroupType(ServiceRequest):
    AutoScalingGroupName: XmlStringMaxLen255
    LaunchConfigurationName: XmlStringMaxLen255 | None
    LaunchTemplate: LaunchTemplateSpecification | None
    MixedInstancesPolicy: MixedInstancesPolicy | None
    MinSize: AutoScalingGroupMinSize | None
    MaxSize: AutoScalingGroupMaxSize | None
    DesiredCapacity: AutoScalingGroupDesiredCapacity | None
    DefaultCooldown: Cooldown | None
    AvailabilityZones: AvailabilityZones | None
    HealthCheckType: XmlStringMaxLen32 | None
    HealthCheckGracePeriod: HealthCheckGracePeriod | None
    PlacementGroup: UpdatePlacementGroupParam | None
    VPCZoneIdentifier: XmlStringMaxLen5000 | None
    TerminationPolicies: TerminationPolicies | None
    NewInstancesProtectedFromScaleIn: InstanceProtected | None
    ServiceLinkedRoleARN: ResourceName | None
    MaxInstanceLifetime: MaxInstanceLifetime | None
    CapacityRebalance: CapacityRebalanceEnabled | None
    Context: Context | None
    DesiredCapacityType: XmlStringMaxLen255 | None
    DefaultInstanceWarmup: DefaultInstanceWarmup | None
    InstanceMaintenancePolicy: InstanceMaintenancePolicy | None
    AvailabilityZoneDistribution: AvailabilityZoneDistribution | None
    AvailabilityZoneImpairmentPolicy: AvailabilityZoneImpairmentPolicy | None
    SkipZonalShiftValidation: SkipZonalShiftValidation | None
    CapacityReservationSpecification: CapacityReservationSpecification | None
    InstanceLifecyclePolicy: InstanceLifecyclePolicy | None
    DeletionProtection: DeletionProtection | None


class AutoscalingApi:
    service: str = "autoscaling"
    version: str = "2011-01-01"

    @handler("AttachInstances")
    def attach_instances(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        instance_ids: InstanceIds | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("AttachLoadBalancerTargetGroups")
    def attach_load_balancer_target_groups(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        target_group_arns: TargetGroupARNs,
        **kwargs,
    ) -> AttachLoadBalancerTargetGroupsResultType:
        raise NotImplementedError

    @handler("AttachLoadBalancers")
    def attach_load_balancers(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        load_balancer_names: LoadBalancerNames,
        **kwargs,
    ) -> AttachLoadBalancersResultType:
        raise NotImplementedError

    @handler("AttachTrafficSources")
    def attach_traffic_sources(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        traffic_sources: TrafficSources,
        skip_zonal_shift_validation: SkipZonalShiftValidation | None = None,
        **kwargs,
    ) -> AttachTrafficSourcesResultType:
        raise NotImplementedError

    @handler("BatchDeleteScheduledAction")
    def batch_delete_scheduled_action(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scheduled_action_names: ScheduledActionNames,
        **kwargs,
    ) -> BatchDeleteScheduledActionAnswer:
        raise NotImplementedError

    @handler("BatchPutScheduledUpdateGroupAction")
    def batch_put_scheduled_update_group_action(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scheduled_update_group_actions: ScheduledUpdateGroupActionRequests,
        **kwargs,
    ) -> BatchPutScheduledUpdateGroupActionAnswer:
        raise NotImplementedError

    @handler("CancelInstanceRefresh")
    def cancel_instance_refresh(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        wait_for_transitioning_instances: BooleanType | None = None,
        **kwargs,
    ) -> CancelInstanceRefreshAnswer:
        raise NotImplementedError

    @handler("CompleteLifecycleAction")
    def complete_lifecycle_action(
        self,
        context: RequestContext,
        lifecycle_hook_name: AsciiStringMaxLen255,
        auto_scaling_group_name: ResourceName,
        lifecycle_action_result: LifecycleActionResult,
        lifecycle_action_token: LifecycleActionToken | None = None,
        instance_id: XmlStringMaxLen19 | None = None,
        **kwargs,
    ) -> CompleteLifecycleActionAnswer:
        raise NotImplementedError

    @handler("CreateAutoScalingGroup", expand=False)
    def create_auto_scaling_group(
        self, context: RequestContext, request: CreateAutoScalingGroupType, **kwargs
    ) -> None:
        raise NotImplementedError

    @handler("CreateLaunchConfiguration")
    def create_launch_configuration(
        self,
        context: RequestContext,
        launch_configuration_name: XmlStringMaxLen255,
        image_id: XmlStringMaxLen255 | None = None,
        key_name: XmlStringMaxLen255 | None = None,
        security_groups: SecurityGroups | None = None,
        classic_link_vpc_id: XmlStringMaxLen255 | None = None,
        classic_link_vpc_security_groups: ClassicLinkVPCSecurityGroups | None = None,
        user_data: XmlStringUserData | None = None,
        instance_id: XmlStringMaxLen19 | None = None,
        instance_type: XmlStringMaxLen255 | None = None,
        kernel_id: XmlStringMaxLen255 | None = None,
        ramdisk_id: XmlStringMaxLen255 | None = None,
        block_device_mappings: BlockDeviceMappings | None = None,
        instance_monitoring: InstanceMonitoring | None = None,
        spot_price: SpotPrice | None = None,
        iam_instance_profile: XmlStringMaxLen1600 | None = None,
        ebs_optimized: EbsOptimized | None = None,
        associate_public_ip_address: AssociatePublicIpAddress | None = None,
        placement_tenancy: XmlStringMaxLen64 | None = None,
        metadata_options: InstanceMetadataOptions | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("CreateOrUpdateTags")
    def create_or_update_tags(self, context: RequestContext, tags: Tags, **kwargs) -> None:
        raise NotImplementedError

    @handler("DeleteAutoScalingGroup")
    def delete_auto_scaling_group(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        force_delete: ForceDelete | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("DeleteLaunchConfiguration")
    def delete_launch_configuration(
        self, context: RequestContext, launch_configuration_name: XmlStringMaxLen255, **kwargs
    ) -> None:
        raise NotImplementedError

    @handler("DeleteLifecycleHook")
    def delete_lifecycle_hook(
        self,
        context: RequestContext,
        lifecycle_hook_name: AsciiStringMaxLen255,
        auto_scaling_group_name: XmlStringMaxLen255,
        **kwargs,
    ) -> DeleteLifecycleHookAnswer:
        raise NotImplementedError

    @handler("DeleteNotificationConfiguration")
    def delete_notification_configuration(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        topic_arn: XmlStringMaxLen255,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("DeletePolicy")
    def delete_policy(
        self,
        context: RequestContext,
        policy_name: ResourceName,
        auto_scaling_group_name: XmlStringMaxLen255 | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("DeleteScheduledAction")
    def delete_scheduled_action(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scheduled_action_name: XmlStringMaxLen255,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("DeleteTags")
    def delete_tags(self, context: RequestContext, tags: Tags, **kwargs) -> None:
        raise NotImplementedError

    @handler("DeleteWarmPool")
    def delete_warm_pool(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        force_delete: ForceDelete | None = None,
        **kwargs,
    ) -> DeleteWarmPoolAnswer:
        raise NotImplementedError

    @handler("DescribeAccountLimits")
    def describe_account_limits(
        self, context: RequestContext, **kwargs
    ) -> DescribeAccountLimitsAnswer:
        raise NotImplementedError

    @handler("DescribeAdjustmentTypes")
    def describe_adjustment_types(
        self, context: RequestContext, **kwargs
    ) -> DescribeAdjustmentTypesAnswer:
        raise NotImplementedError

    @handler("DescribeAutoScalingGroups")
    def describe_auto_scaling_groups(
        self,
        context: RequestContext,
        auto_scaling_group_names: AutoScalingGroupNames | None = None,
        include_instances: IncludeInstances | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        filters: Filters | None = None,
        **kwargs,
    ) -> AutoScalingGroupsType:
        raise NotImplementedError

    @handler("DescribeAutoScalingInstances")
    def describe_auto_scaling_instances(
        self,
        context: RequestContext,
        instance_ids: InstanceIds | None = None,
        max_records: MaxRecords | None = None,
        next_token: XmlString | None = None,
        **kwargs,
    ) -> AutoScalingInstancesType:
        raise NotImplementedError

    @handler("DescribeAutoScalingNotificationTypes")
    def describe_auto_scaling_notification_types(
        self, context: RequestContext, **kwargs
    ) -> DescribeAutoScalingNotificationTypesAnswer:
        raise NotImplementedError

    @handler("DescribeInstanceRefreshes")
    def describe_instance_refreshes(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        instance_refresh_ids: InstanceRefreshIds | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> DescribeInstanceRefreshesAnswer:
        raise NotImplementedError

    @handler("DescribeLaunchConfigurations")
    def describe_launch_configurations(
        self,
        context: RequestContext,
        launch_configuration_names: LaunchConfigurationNames | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> LaunchConfigurationsType:
        raise NotImplementedError

    @handler("DescribeLifecycleHookTypes")
    def describe_lifecycle_hook_types(
        self, context: RequestContext, **kwargs
    ) -> DescribeLifecycleHookTypesAnswer:
        raise NotImplementedError

    @handler("DescribeLifecycleHooks")
    def describe_lifecycle_hooks(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        lifecycle_hook_names: LifecycleHookNames | None = None,
        **kwargs,
    ) -> DescribeLifecycleHooksAnswer:
        raise NotImplementedError

    @handler("DescribeLoadBalancerTargetGroups")
    def describe_load_balancer_target_groups(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> DescribeLoadBalancerTargetGroupsResponse:
        raise NotImplementedError

    @handler("DescribeLoadBalancers")
    def describe_load_balancers(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> DescribeLoadBalancersResponse:
        raise NotImplementedError

    @handler("DescribeMetricCollectionTypes")
    def describe_metric_collection_types(
        self, context: RequestContext, **kwargs
    ) -> DescribeMetricCollectionTypesAnswer:
        raise NotImplementedError

    @handler("DescribeNotificationConfigurations")
    def describe_notification_configurations(
        self,
        context: RequestContext,
        auto_scaling_group_names: AutoScalingGroupNames | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> DescribeNotificationConfigurationsAnswer:
        raise NotImplementedError

    @handler("DescribePolicies")
    def describe_policies(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255 | None = None,
        policy_names: PolicyNames | None = None,
        policy_types: PolicyTypes | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> PoliciesType:
        raise NotImplementedError

    @handler("DescribeScalingActivities")
    def describe_scaling_activities(
        self,
        context: RequestContext,
        activity_ids: ActivityIds | None = None,
        auto_scaling_group_name: XmlStringMaxLen255 | None = None,
        include_deleted_groups: IncludeDeletedGroups | None = None,
        max_records: MaxRecords | None = None,
        next_token: XmlString | None = None,
        filters: Filters | None = None,
        **kwargs,
    ) -> ActivitiesType:
        raise NotImplementedError

    @handler("DescribeScalingProcessTypes")
    def describe_scaling_process_types(self, context: RequestContext, **kwargs) -> ProcessesType:
        raise NotImplementedError

    @handler("DescribeScheduledActions")
    def describe_scheduled_actions(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255 | None = None,
        scheduled_action_names: ScheduledActionNames | None = None,
        start_time: TimestampType | None = None,
        end_time: TimestampType | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> ScheduledActionsType:
        raise NotImplementedError

    @handler("DescribeTags")
    def describe_tags(
        self,
        context: RequestContext,
        filters: Filters | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> TagsType:
        raise NotImplementedError

    @handler("DescribeTerminationPolicyTypes")
    def describe_termination_policy_types(
        self, context: RequestContext, **kwargs
    ) -> DescribeTerminationPolicyTypesAnswer:
        raise NotImplementedError

    @handler("DescribeTrafficSources")
    def describe_traffic_sources(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        traffic_source_type: XmlStringMaxLen255 | None = None,
        next_token: XmlString | None = None,
        max_records: MaxRecords | None = None,
        **kwargs,
    ) -> DescribeTrafficSourcesResponse:
        raise NotImplementedError

    @handler("DescribeWarmPool")
    def describe_warm_pool(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        max_records: MaxRecords | None = None,
        next_token: XmlString | None = None,
        **kwargs,
    ) -> DescribeWarmPoolAnswer:
        raise NotImplementedError

    @handler("DetachInstances")
    def detach_instances(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        should_decrement_desired_capacity: ShouldDecrementDesiredCapacity,
        instance_ids: InstanceIds | None = None,
        **kwargs,
    ) -> DetachInstancesAnswer:
        raise NotImplementedError

    @handler("DetachLoadBalancerTargetGroups")
    def detach_load_balancer_target_groups(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        target_group_arns: TargetGroupARNs,
        **kwargs,
    ) -> DetachLoadBalancerTargetGroupsResultType:
        raise NotImplementedError

    @handler("DetachLoadBalancers")
    def detach_load_balancers(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        load_balancer_names: LoadBalancerNames,
        **kwargs,
    ) -> DetachLoadBalancersResultType:
        raise NotImplementedError

    @handler("DetachTrafficSources")
    def detach_traffic_sources(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        traffic_sources: TrafficSources,
        **kwargs,
    ) -> DetachTrafficSourcesResultType:
        raise NotImplementedError

    @handler("DisableMetricsCollection")
    def disable_metrics_collection(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        metrics: Metrics | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("EnableMetricsCollection")
    def enable_metrics_collection(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        granularity: XmlStringMaxLen255,
        metrics: Metrics | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("EnterStandby")
    def enter_standby(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        should_decrement_desired_capacity: ShouldDecrementDesiredCapacity,
        instance_ids: InstanceIds | None = None,
        **kwargs,
    ) -> EnterStandbyAnswer:
        raise NotImplementedError

    @handler("ExecutePolicy")
    def execute_policy(
        self,
        context: RequestContext,
        policy_name: ResourceName,
        auto_scaling_group_name: XmlStringMaxLen255 | None = None,
        honor_cooldown: HonorCooldown | None = None,
        metric_value: MetricScale | None = None,
        breach_threshold: MetricScale | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("ExitStandby")
    def exit_standby(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        instance_ids: InstanceIds | None = None,
        **kwargs,
    ) -> ExitStandbyAnswer:
        raise NotImplementedError

    @handler("GetPredictiveScalingForecast")
    def get_predictive_scaling_forecast(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        policy_name: XmlStringMaxLen255,
        start_time: TimestampType,
        end_time: TimestampType,
        **kwargs,
    ) -> GetPredictiveScalingForecastAnswer:
        raise NotImplementedError

    @handler("LaunchInstances")
    def launch_instances(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        requested_capacity: RequestedCapacity,
        client_token: ClientToken,
        availability_zones: AvailabilityZonesLimit1 | None = None,
        availability_zone_ids: AvailabilityZoneIdsLimit1 | None = None,
        subnet_ids: SubnetIdsLimit1 | None = None,
        retry_strategy: RetryStrategy | None = None,
        **kwargs,
    ) -> LaunchInstancesResult:
        raise NotImplementedError

    @handler("PutLifecycleHook")
    def put_lifecycle_hook(
        self,
        context: RequestContext,
        lifecycle_hook_name: AsciiStringMaxLen255,
        auto_scaling_group_name: XmlStringMaxLen255,
        lifecycle_transition: LifecycleTransition | None = None,
        role_arn: XmlStringMaxLen255 | None = None,
        notification_target_arn: NotificationTargetResourceName | None = None,
        notification_metadata: AnyPrintableAsciiStringMaxLen4000 | None = None,
        heartbeat_timeout: HeartbeatTimeout | None = None,
        default_result: LifecycleActionResult | None = None,
        **kwargs,
    ) -> PutLifecycleHookAnswer:
        raise NotImplementedError

    @handler("PutNotificationConfiguration")
    def put_notification_configuration(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        topic_arn: XmlStringMaxLen255,
        notification_types: AutoScalingNotificationTypes,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("PutScalingPolicy")
    def put_scaling_policy(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        policy_name: XmlStringMaxLen255,
        policy_type: XmlStringMaxLen64 | None = None,
        adjustment_type: XmlStringMaxLen255 | None = None,
        min_adjustment_step: MinAdjustmentStep | None = None,
        min_adjustment_magnitude: MinAdjustmentMagnitude | None = None,
        scaling_adjustment: PolicyIncrement | None = None,
        cooldown: Cooldown | None = None,
        metric_aggregation_type: XmlStringMaxLen32 | None = None,
        step_adjustments: StepAdjustments | None = None,
        estimated_instance_warmup: EstimatedInstanceWarmup | None = None,
        target_tracking_configuration: TargetTrackingConfiguration | None = None,
        enabled: ScalingPolicyEnabled | None = None,
        predictive_scaling_configuration: PredictiveScalingConfiguration | None = None,
        **kwargs,
    ) -> PolicyARNType:
        raise NotImplementedError

    @handler("PutScheduledUpdateGroupAction")
    def put_scheduled_update_group_action(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scheduled_action_name: XmlStringMaxLen255,
        time: TimestampType | None = None,
        start_time: TimestampType | None = None,
        end_time: TimestampType | None = None,
        recurrence: XmlStringMaxLen255 | None = None,
        min_size: AutoScalingGroupMinSize | None = None,
        max_size: AutoScalingGroupMaxSize | None = None,
        desired_capacity: AutoScalingGroupDesiredCapacity | None = None,
        time_zone: XmlStringMaxLen255 | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("PutWarmPool")
    def put_warm_pool(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        max_group_prepared_capacity: MaxGroupPreparedCapacity | None = None,
        min_size: WarmPoolMinSize | None = None,
        pool_state: WarmPoolState | None = None,
        instance_reuse_policy: InstanceReusePolicy | None = None,
        **kwargs,
    ) -> PutWarmPoolAnswer:
        raise NotImplementedError

    @handler("RecordLifecycleActionHeartbeat")
    def record_lifecycle_action_heartbeat(
        self,
        context: RequestContext,
        lifecycle_hook_name: AsciiStringMaxLen255,
        auto_scaling_group_name: ResourceName,
        lifecycle_action_token: LifecycleActionToken | None = None,
        instance_id: XmlStringMaxLen19 | None = None,
        **kwargs,
    ) -> RecordLifecycleActionHeartbeatAnswer:
        raise NotImplementedError

    @handler("ResumeProcesses")
    def resume_processes(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scaling_processes: ProcessNames | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("RollbackInstanceRefresh")
    def rollback_instance_refresh(
        self, context: RequestContext, auto_scaling_group_name: XmlStringMaxLen255, **kwargs
    ) -> RollbackInstanceRefreshAnswer:
        raise NotImplementedError

    @handler("SetDesiredCapacity")
    def set_desired_capacity(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        desired_capacity: AutoScalingGroupDesiredCapacity,
        honor_cooldown: HonorCooldown | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("SetInstanceHealth")
    def set_instance_health(
        self,
        context: RequestContext,
        instance_id: XmlStringMaxLen19,
        health_status: XmlStringMaxLen32,
        should_respect_grace_period: ShouldRespectGracePeriod | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("SetInstanceProtection")
    def set_instance_protection(
        self,
        context: RequestContext,
        instance_ids: InstanceIds,
        auto_scaling_group_name: XmlStringMaxLen255,
        protected_from_scale_in: ProtectedFromScaleIn,
        **kwargs,
    ) -> SetInstanceProtectionAnswer:
        raise NotImplementedError

    @handler("StartInstanceRefresh")
    def start_instance_refresh(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        strategy: RefreshStrategy | None = None,
        desired_configuration: DesiredConfiguration | None = None,
        preferences: RefreshPreferences | None = None,
        **kwargs,
    ) -> StartInstanceRefreshAnswer:
        raise NotImplementedError

    @handler("SuspendProcesses")
    def suspend_processes(
        self,
        context: RequestContext,
        auto_scaling_group_name: XmlStringMaxLen255,
        scaling_processes: ProcessNames | None = None,
        **kwargs,
    ) -> None:
        raise NotImplementedError

    @handler("TerminateInstanceInAutoScalingGroup")
    def terminate_instance_in_auto_scaling_group(
        self,
        context: RequestContext,
        instance_id: XmlStringMaxLen19,
        should_decrement_desired_capacity: ShouldDecrementDesiredCapacity,
        **kwargs,
    ) -> ActivityType:
        raise NotImplementedError

    @handler("UpdateAutoScalingGroup", expand=False)
    def update_auto_scaling_group(
        self, context: RequestContext, request: UpdateAutoScalingGroupType, **kwargs
    ) -> None:
        raise NotImplementedError
