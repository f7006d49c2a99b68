"""Command documents: parameters, checked as the service checks them, become a shell script."""

from dataclasses import dataclass

from localstack.aws.api.ssm import InvalidDocument, InvalidDocumentVersion, InvalidParameters

from localstack_ssm_docker.ssm.parameter_refs import REFERENCE

RUN_SHELL_SCRIPT = "AWS-RunShellScript"
RUN_SHELL_SCRIPT_PLUGIN = "aws:runShellScript"
DEFAULT_EXECUTION_TIMEOUT = 3600
MIN_EXECUTION_TIMEOUT = 5
MAX_EXECUTION_TIMEOUT = 172800
# AWS-RunShellScript has one version: "1" is both $LATEST and $DEFAULT
DOCUMENT_VERSIONS = frozenset({"", "$LATEST", "$DEFAULT", "1"})


@dataclass(frozen=True)
class ShellScriptPlan:
    """What an invocation of a document runs: one script, where and for how long at most."""

    plugin_name: str
    script: str
    working_directory: str
    execution_timeout: int


def document_name_of(name_or_arn: str) -> str:
    """The document name in a name or an ARN (``arn:aws:ssm:<region>:<acct>:document/<name>``)."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn.rsplit("document/", 1)[-1]
    return name_or_arn


def plan_command(
    document_name: str, document_version: str | None, parameters: dict[str, list[str]] | None
) -> ShellScriptPlan:
    """Checks the document, its version and `parameters`; returns what each invocation runs."""
    name = document_name_of(document_name)
    if name != RUN_SHELL_SCRIPT:
        raise InvalidDocument(f"Document with name {name} does not exist.")
    if (document_version or "") not in DOCUMENT_VERSIONS:
        raise InvalidDocumentVersion(f"Document {name} does not have a version {document_version}.")
    return _plan_run_shell_script(parameters or {})


def _plan_run_shell_script(parameters: dict[str, list[str]]) -> ShellScriptPlan:
    unknown = sorted(set(parameters) - {"commands", "workingDirectory", "executionTimeout"})
    if unknown:
        raise InvalidParameters(
            f"document {RUN_SHELL_SCRIPT} does not support parameters: {', '.join(unknown)}."
        )
    commands = parameters.get("commands")
    if not commands:
        raise InvalidParameters(
            f"Parameter commands is required by document {RUN_SHELL_SCRIPT} and has no value."
        )
    working_directory = _single(parameters, "workingDirectory", "")
    timeout_text = _single(parameters, "executionTimeout", str(DEFAULT_EXECUTION_TIMEOUT))
    return ShellScriptPlan(
        plugin_name=RUN_SHELL_SCRIPT_PLUGIN,
        script="\n".join(commands) + "\n",
        working_directory=working_directory,
        execution_timeout=_execution_timeout(timeout_text),
    )


def _single(parameters: dict[str, list[str]], name: str, default: str) -> str:
    values = parameters.get(name)
    if not values:
        return default
    if len(values) > 1:
        raise InvalidParameters(f"Parameter {name} takes a single value, not {len(values)}.")
    return values[0]


def _execution_timeout(text: str) -> int:
    """The agent's reading of executionTimeout: a number, and outside 5..172800 it means 3600.

    A Parameter Store reference is resolved at run time; until then it counts as the default.
    """
    if REFERENCE.search(text):
        return DEFAULT_EXECUTION_TIMEOUT
    if not text.strip().isdigit():
        raise InvalidParameters(
            f"Parameter executionTimeout has an invalid value {text!r}: it must be a number of "
            f"seconds up to {MAX_EXECUTION_TIMEOUT}."
        )
    seconds = int(text)
    if MIN_EXECUTION_TIMEOUT <= seconds <= MAX_EXECUTION_TIMEOUT:
        return seconds
    return DEFAULT_EXECUTION_TIMEOUT
