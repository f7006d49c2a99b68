"""State Manager's association operations (CreateAssociation & co.), over the association
service they are constructed with: every change to an association goes through it."""

from typing import Any

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    AssociationDoesNotExist,
    CreateAssociationBatchRequest,
    CreateAssociationBatchResult,
    CreateAssociationRequest,
    CreateAssociationResult,
    DeleteAssociationRequest,
    DeleteAssociationResult,
    DescribeAssociationRequest,
    DescribeAssociationResult,
    InvalidAssociationVersion,
    ListAssociationsRequest,
    ListAssociationsResult,
    ListAssociationVersionsRequest,
    ListAssociationVersionsResult,
    ServiceException,
    StartAssociationsOnceRequest,
    StartAssociationsOnceResult,
    UpdateAssociationRequest,
    UpdateAssociationResult,
    ValidationException,
)

from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.associations import shapes
from localstack_ssm_docker.ssm.associations.filters import (
    association_filter,
)
from localstack_ssm_docker.ssm.associations.models import AssociationRecord, association_stores
from localstack_ssm_docker.ssm.associations.queries import (
    association_view,
    find_association,
    targets_instance,
)
from localstack_ssm_docker.ssm.associations.requests import (
    check_runbook_settings,
    check_settings,
    settings_of,
)
from localstack_ssm_docker.ssm.associations.service import AssociationService, check_latest
from localstack_ssm_docker.ssm.integrations.document_loader import load_document

DEFAULT_PAGE = 50
_KEPT_ON_UPDATE = ("Name", "InstanceId", "Targets")


class AssociationHandlers:
    """CreateAssociation & co. over an `AssociationService`."""

    def __init__(self, associations: AssociationService):
        self._associations = associations

    # operations

    @handler("CreateAssociation", expand=False)
    def create_association(
        self, context: RequestContext, request: CreateAssociationRequest
    ) -> CreateAssociationResult:
        return CreateAssociationResult(AssociationDescription=self._create(context, request))

    def _create(self, context: RequestContext, request: Any) -> Any:
        account_id, region = context.account_id, context.region
        settings = settings_of(request)
        self._check(account_id, region, settings)
        record = self._associations.create(account_id, region, settings, request.get("Tags"))
        return self._description(account_id, region, record)

    @handler("CreateAssociationBatch", expand=False)
    def create_association_batch(
        self, context: RequestContext, request: CreateAssociationBatchRequest
    ) -> CreateAssociationBatchResult:
        successful: list[Any] = []
        failed: list[Any] = []
        for entry in request["Entries"]:
            try:
                successful.append(self._create(context, entry))
            except ServiceException as e:
                failed.append({"Entry": entry, "Message": e.message, "Fault": "Client"})
        return CreateAssociationBatchResult(Successful=successful, Failed=failed)

    @handler("DescribeAssociation", expand=False)
    def describe_association(
        self, context: RequestContext, request: DescribeAssociationRequest
    ) -> DescribeAssociationResult:
        record = self._find(context, request)
        version = request.get("AssociationVersion")
        description = self._description(context.account_id, context.region, record)
        if version and version != "$LATEST":
            if not version.isdecimal() or not 1 <= int(version) <= len(record.versions):
                raise InvalidAssociationVersion(
                    f"Association version {version} does not exist for association "
                    f"{record.association_id}."
                )
            old = shapes.version_info(record.association_id, record.versions[int(version) - 1])
            old.pop("CreatedDate", None)
            description.update(old)
        return DescribeAssociationResult(AssociationDescription=description)

    @handler("UpdateAssociation", expand=False)
    def update_association(
        self, context: RequestContext, request: UpdateAssociationRequest
    ) -> UpdateAssociationResult:
        account_id, region = context.account_id, context.region
        record = self._record(context, request["AssociationId"])
        asked = request.get("AssociationVersion")
        check_latest(record, asked)  # before the settings' errors; checked again as it is stored
        settings = settings_of(request)
        for key in _KEPT_ON_UPDATE:
            if key not in settings and key in record.latest.settings:
                settings[key] = record.latest.settings[key]
        if "Targets" in settings and "InstanceId" in settings and request.get("Targets"):
            settings.pop("InstanceId")
        self._check(account_id, region, settings)
        self._associations.update(account_id, region, record, settings, asked)
        return UpdateAssociationResult(
            AssociationDescription=self._description(account_id, region, record)
        )

    @handler("DeleteAssociation", expand=False)
    def delete_association(
        self, context: RequestContext, request: DeleteAssociationRequest
    ) -> DeleteAssociationResult:
        record = self._find(context, request)
        self._associations.delete(context.account_id, context.region, record.association_id)
        return DeleteAssociationResult()

    @handler("ListAssociations", expand=False)
    def list_associations(
        self, context: RequestContext, request: ListAssociationsRequest
    ) -> ListAssociationsResult:
        account_id, region = context.account_id, context.region
        wanted = association_filter(request.get("AssociationFilterList") or [])
        views = [
            association_view(account_id, region, r)
            for r in list(association_stores[account_id][region].associations.values())
        ]
        page, token = paginate(
            [v for v in views if wanted(v)],
            key=lambda v: (v.record.created_at, v.record.association_id),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = ListAssociationsResult(
            Associations=[shapes.listed(v.record, v.overview, v.last_execution) for v in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("ListAssociationVersions", expand=False)
    def list_association_versions(
        self, context: RequestContext, request: ListAssociationVersionsRequest
    ) -> ListAssociationVersionsResult:
        record = self._record(context, request["AssociationId"])
        page, token = paginate(
            record.versions,
            key=lambda v: (-v.version,),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = ListAssociationVersionsResult(
            AssociationVersions=[shapes.version_info(record.association_id, v) for v in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("StartAssociationsOnce", expand=False)
    def start_associations_once(
        self, context: RequestContext, request: StartAssociationsOnceRequest
    ) -> StartAssociationsOnceResult:
        records = [self._record(context, i) for i in request["AssociationIds"]]
        for record in records:
            self._associations.start_once(context.account_id, context.region, record)
        return StartAssociationsOnceResult()

    # lookups

    def _check(self, account_id: str, region: str, settings: dict[str, Any]) -> None:
        """AWS's error for settings State Manager refuses: a runbook's as Automation checks
        them, a Command document's as Run Command does."""
        automations = self._associations.automations
        if automations is not None and automations.is_runbook(
            account_id, region, settings["Name"], settings.get("DocumentVersion")
        ):
            check_runbook_settings(settings)
            automations.check(account_id, region, settings)
            return
        check_settings(
            settings, lambda name, version: load_document(account_id, region, name, version)
        )

    def _description(self, account_id: str, region: str, record: AssociationRecord) -> Any:
        view = association_view(account_id, region, record)
        return shapes.description(record, view.overview, view.last_execution, view.last_success)

    @staticmethod
    def _record(context: RequestContext, association_id: str) -> AssociationRecord:
        return find_association(context.account_id, context.region, association_id)

    def _find(self, context: RequestContext, request: Any) -> AssociationRecord:
        """By AssociationId, or by document Name and InstanceId."""
        if association_id := request.get("AssociationId"):
            return self._record(context, association_id)
        name, instance_id = request.get("Name"), request.get("InstanceId")
        if not name or not instance_id:
            raise ValidationException(
                "Specify either an AssociationId, or a Name and an InstanceId."
            )
        store = association_stores[context.account_id][context.region]
        named = [r for r in list(store.associations.values()) if r.latest.settings["Name"] == name]
        # an InstanceId association first, then one whose InstanceIds name the instance
        for record in sorted(named, key=lambda r: r.latest.get("InstanceId") != instance_id):
            if targets_instance(record, instance_id):
                return record
        raise AssociationDoesNotExist("The specified association does not exist.")
