"""DescribeDocument, GetDocument and ListDocuments for the AWS-owned documents this extension
serves (`ssm/documents/aws_owned.py`); every other document is LocalStack's (moto's)."""

import yaml
from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    DescribeDocumentRequest,
    DescribeDocumentResult,
    DocumentFormat,
    DocumentStatus,
    GetDocumentRequest,
    GetDocumentResult,
    InvalidNextToken,
    ListDocumentsRequest,
    ListDocumentsResult,
)
from localstack.services.moto import call_moto

from localstack_ssm_docker.ssm.documents import aws_owned
from localstack_ssm_docker.ssm.documents.plan import document_name_of
from localstack_ssm_docker.ssm.integrations.document_loader import load_document


class AwsDocumentHandlers:
    """AWS's documents beside the account's own (moto's)."""

    @handler("DescribeDocument", expand=False)
    def describe_document(
        self, context: RequestContext, request: DescribeDocumentRequest
    ) -> DescribeDocumentResult:
        name = document_name_of(request["Name"])
        if name not in aws_owned.AWS_DOCUMENTS:
            return call_moto(context)
        load_document(context.account_id, context.region, name, request.get("DocumentVersion"))
        return DescribeDocumentResult(Document=aws_owned.description(name))

    @handler("GetDocument", expand=False)
    def get_document(
        self, context: RequestContext, request: GetDocumentRequest
    ) -> GetDocumentResult:
        name = document_name_of(request["Name"])
        if name not in aws_owned.AWS_DOCUMENTS:
            return call_moto(context)
        load_document(context.account_id, context.region, name, request.get("DocumentVersion"))
        content_format = request.get("DocumentFormat") or "JSON"
        content = aws_owned.content_json(name)
        if content_format == "YAML":
            content = yaml.safe_dump(aws_owned.AWS_DOCUMENTS[name], sort_keys=False)
        return GetDocumentResult(
            Name=name,
            DocumentVersion="1",
            Status=DocumentStatus.Active,
            Content=content,
            DocumentType=aws_owned.document_type(name),
            DocumentFormat=DocumentFormat(content_format),
        )

    @handler("ListDocuments", expand=False)
    def list_documents(
        self, context: RequestContext, request: ListDocumentsRequest
    ) -> ListDocumentsResult:
        token = request.get("NextToken")
        if token and not token.isdecimal():  # moto's tokens are positions; it fails on others
            raise InvalidNextToken("The specified token is not valid.")
        result = call_moto(context)
        if not token:
            ours = [
                aws_owned.identifier(name)
                for name in aws_owned.AWS_DOCUMENTS
                if aws_owned.listed(
                    name, request.get("Filters") or [], request.get("DocumentFilterList") or []
                )
            ]
            result["DocumentIdentifiers"] = ours + result.get("DocumentIdentifiers", [])
        return result
