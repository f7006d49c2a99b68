"""Command documents (schema 1.2 and 2.x): parameters, checked as the service checks them, fill
``{{ name }}`` placeholders, and each step becomes a shell script to run."""

import re
from dataclasses import dataclass

from localstack.aws.api.ssm import InvalidDocument, InvalidParameters

from localstack_ssm_docker.ssm.documents.parameter_refs import PLACEHOLDER, REFERENCE

RUN_SHELL_SCRIPT_ACTION = "aws:runShellScript"
DEFAULT_EXECUTION_TIMEOUT = 3600
MIN_EXECUTION_TIMEOUT = 5
MAX_EXECUTION_TIMEOUT = 172800

type Parameters = dict[str, list[str]]


@dataclass(frozen=True)
class Document:
    """A Command document at one version, its content parsed from JSON."""

    name: str
    version: str
    content: dict


@dataclass(frozen=True)
class StepPlan:
    """One step of an invocation: the plugin that runs it and, for shell steps, the script."""

    plugin_name: str
    action: str
    folder: str
    script: str
    working_directory: str
    execution_timeout: int
    exit_on_failure: bool = False

    @property
    def log_stream_part(self) -> str:
        """The step's part of its CloudWatch log stream names: the plugin for schema 1.2
        (``aws-runShellScript``), the step's name for 2.x."""
        if self.plugin_name == self.action:
            return self.action.replace(":", "-")
        return self.plugin_name


@dataclass(frozen=True)
class CommandPlan:
    """What each invocation of a command runs, step after step."""

    steps: tuple[StepPlan, ...]

    @property
    def plugin_names(self) -> tuple[str, ...]:
        """The steps' plugin names, as CommandPlugins[].Name shows them."""
        return tuple(step.plugin_name for step in self.steps)

    @property
    def execution_timeout(self) -> int:
        """The longest the steps may run together."""
        return sum(step.execution_timeout for step in self.steps)


def document_name_of(name_or_arn: str) -> str:
    """The document name in a name or an ARN (``arn:aws:ssm:<region>:<acct>:document/<name>``)."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn.rsplit("document/", 1)[-1]
    return name_or_arn


def plan_command(document: Document, parameters: Parameters | None) -> CommandPlan:
    """Checks `parameters` against the document and returns the steps each invocation runs."""
    # AWS's own Session documents, and runbooks (schema 0.3), which Automation runs
    if "sessionType" in document.content or document.content.get("schemaVersion") == "0.3":
        raise InvalidDocument(f"Document {document.name} is not a Command document.")
    values = _parameter_values(document, parameters or {})
    schema = str(document.content.get("schemaVersion", ""))
    if schema.startswith("1."):
        steps = _steps_1x(document, values)
    elif schema.startswith("2."):
        steps = _steps_2x(document, values)
    else:
        raise InvalidDocument(f"Document {document.name} has an unsupported schema {schema!r}.")
    if not steps:
        raise InvalidDocument(f"Document {document.name} has no step to run.")
    return CommandPlan(tuple(steps))


def _parameter_values(document: Document, given: Parameters) -> dict[str, list[str] | str]:
    """Given values and defaults by name; InvalidParameters as the service reports them."""
    declared: dict[str, dict] = document.content.get("parameters") or {}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise InvalidParameters(
            f"document {document.name} does not support parameters: {', '.join(unknown)}."
        )
    values: dict[str, list[str] | str] = {}
    for name, spec in declared.items():
        if name in given:
            value = _typed(name, spec, given[name])
        elif "default" in spec:
            value = spec["default"]
            value = [str(v) for v in value] if isinstance(value, list) else str(value)
        else:
            raise InvalidParameters(
                f"Parameter {name} is required by document {document.name} and has no value."
            )
        _check_pattern(name, spec, value)
        values[name] = value
    return values


def _typed(name: str, spec: dict, value: list[str]) -> list[str] | str:
    kind = spec.get("type", "String")
    if kind in ("StringList", "MapList"):
        if len(value) < int(spec.get("minItems", 0)):
            raise InvalidParameters(f"Parameter {name} needs at least {spec['minItems']} value.")
        return value
    if len(value) != 1:
        raise InvalidParameters(f"Parameter {name} takes a single value, not {len(value)}.")
    return value[0]


def _check_pattern(name: str, spec: dict, value: list[str] | str) -> None:
    """The document's allowedPattern, as the agent applies it (a match anywhere); values that refer
    to Parameter Store are checked once resolved."""
    pattern = spec.get("allowedPattern")
    if not pattern:
        return
    for item in value if isinstance(value, list) else [value]:
        if not REFERENCE.search(item) and not re.search(pattern, item):
            raise InvalidParameters(
                f"Parameter value for {name} does not match the allowed pattern {pattern}"
            )


def _substitute(template: object, values: dict[str, list[str] | str]) -> list[str] | str:
    """A template with ``{{ name }}`` placeholders filled; a string that is only a StringList
    placeholder becomes that list, and lists are filled item by item."""
    if isinstance(template, list):
        items: list[str] = []
        for item in template:
            filled = _substitute(item, values)
            items.extend(filled if isinstance(filled, list) else [filled])
        return items
    text = str(template)
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole and isinstance(values.get(whole.group(1)), list):
        return list(values[whole.group(1)])

    def fill(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        return "\n".join(value) if isinstance(value, list) else value

    return PLACEHOLDER.sub(fill, text)


def _script(run_command: object, values: dict[str, list[str] | str]) -> str:
    """The agent's script: the commands joined by newlines, with a final newline."""
    filled = _substitute(run_command, values)
    lines = filled if isinstance(filled, list) else [filled]
    return "\n".join(lines) + "\n"


def _timeout(value: object, values: dict[str, list[str] | str]) -> int:
    """The agent's reading of a timeout: a number of seconds, and outside 5..172800 it is 3600."""
    text = str(_substitute(value, values)) if value not in (None, "") else ""
    if not text.strip().isdigit():
        return DEFAULT_EXECUTION_TIMEOUT
    seconds = int(text)
    if MIN_EXECUTION_TIMEOUT <= seconds <= MAX_EXECUTION_TIMEOUT:
        return seconds
    return DEFAULT_EXECUTION_TIMEOUT


def _shell_step(
    plugin_name: str, action: str, folder: str, inputs: dict, values, exit_on_failure: bool
) -> StepPlan:
    return StepPlan(
        plugin_name=plugin_name,
        action=action,
        folder=folder,
        script=_script(inputs.get("runCommand", []), values),
        working_directory=str(_substitute(inputs.get("workingDirectory", ""), values)),
        execution_timeout=_timeout(inputs.get("timeoutSeconds"), values),
        exit_on_failure=exit_on_failure,
    )


def _steps_1x(document: Document, values) -> list[StepPlan]:
    """Schema 1.2: ``runtimeConfig`` maps each plugin to its properties."""
    steps = []
    for action, config in (document.content.get("runtimeConfig") or {}).items():
        properties = config.get("properties", [])
        for index, inputs in enumerate(
            properties if isinstance(properties, list) else [properties]
        ):
            folder = f"{index}.{action.replace(':', '')}"
            steps.append(_shell_step(action, action, folder, inputs, values, False))
    return steps


def _steps_2x(document: Document, values) -> list[StepPlan]:
    """Schema 2.x: ``mainSteps``, each named, run in order."""
    steps = []
    for step in document.content.get("mainSteps") or []:
        name = step.get("name") or step.get("action", "")
        exit_on_failure = str(step.get("onFailure", "")).lower() == "exit"
        inputs = step.get("inputs") or {}
        steps.append(
            _shell_step(name, step.get("action", ""), name, inputs, values, exit_on_failure)
        )
    return steps
