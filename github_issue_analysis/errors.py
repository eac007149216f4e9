"""Expected failures carry their exit code; the CLI edge turns them into one line on stderr."""

from __future__ import annotations


class GhAnalysisError(Exception):
    """An expected failure with a message written for the user (what was wrong, what to do)."""

    exit_code = 1


class UsageError(GhAnalysisError):
    """Bad input: options, ids, files. Exit code 2."""

    exit_code = 2


class OperationFailed(GhAnalysisError):
    """The operation could not be done (provider error, nothing to do where something was asked)."""

    exit_code = 1


# -- Domain errors: services raise these in the tool's own words; the CLI (cli/messages.py) may phrase them
# -- with its flags and commands. Each keeps the facts as attributes.


class MissingCredentials(UsageError):
    def __init__(self, provider: str, env_var: str) -> None:
        super().__init__(f"{env_var} is not set: export it (or put it in .env) and run again")
        self.provider = provider
        self.env_var = env_var


class UnknownName(UsageError):
    """A provider, processor or model name nothing is registered under."""

    def __init__(self, kind: str, name: str, choices: list[str]) -> None:
        super().__init__(f"unknown {kind} '{name}'; choose one of: {', '.join(choices) or 'none registered'}")
        self.kind = kind
        self.name = name
        self.choices = choices


class InvalidModelName(UsageError):
    def __init__(self, spec: str, providers: list[str]) -> None:
        examples = ", ".join(f"{p}:NAME" for p in providers)
        super().__init__(f"model must be written PROVIDER:NAME ({examples}), got '{spec}'")
        self.spec = spec
        self.providers = providers


class InvalidOption(UsageError):
    """An option's value is out of range; `option` is the option's domain name (e.g. batch_size)."""

    def __init__(self, option: str, value: object, requirement: str) -> None:
        super().__init__(f"{option.replace('_', ' ')} {value} {requirement}")
        self.option = option
        self.value = value
        self.requirement = requirement


class BatchSizeTooLarge(InvalidOption):
    def __init__(self, value: int, maximum: int, provider: str) -> None:
        super().__init__("batch_size", value, f"is above {provider}'s maximum of {maximum:,} requests per batch")
        self.maximum = maximum
        self.provider = provider


class AmbiguousIssueNumber(UsageError):
    def __init__(self, number: int, org: str, repos: list[str]) -> None:
        super().__init__(
            f"issue #{number} exists in several repositories of {org} ({', '.join(repos)}); name the repository"
        )
        self.number = number
        self.org = org
        self.repos = repos


class NothingToSubmit(OperationFailed):
    def __init__(self, already_done: int, in_flight: int = 0, org: str | None = None) -> None:
        super().__init__(f"no issues to submit for this selection{left_out(already_done, in_flight, 'reprocess')}")
        self.already_done = already_done
        self.in_flight = in_flight
        self.org = org
        """The organization asked for: named in the hint to collect it when the store holds none of its issues."""


def left_out(already_done: int, in_flight: int, how: str) -> str:
    """Why selected issues were left out of a submission, and how to send them all the same."""
    reasons = [f"{already_done} already have results"] if already_done else []
    reasons += [f"{in_flight} are in flight in another group"] if in_flight else []
    return f" ({', '.join(reasons)}; {how} to send them again)" if reasons else ""


class NoLabelSet(UsageError):
    def __init__(self, org: str, repo: str, prefix: str) -> None:
        super().__init__(
            f"no labels starting with '{prefix}' in {org}/{repo}: collect the repository's labels, choose "
            "another label prefix, or give a labels file"
        )
        self.org = org
        self.repo = repo
        self.prefix = prefix


class UnknownId(UsageError):
    """No batch group or job has this id or an id starting with it. `wanted` is what the command looks for:
    "job or group", or "group" where a group is wanted (a child job's id names its group there)."""

    def __init__(self, prefix: str, wanted: str = "job or group") -> None:
        super().__init__(f"no batch {wanted} matches '{prefix}'")
        self.prefix = prefix
        self.wanted = wanted


class AmbiguousId(UsageError):
    """Several groups or jobs start with this prefix; `matches` holds them (up to 20)."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        super().__init__(f"'{prefix}' matches several jobs or groups ({', '.join(matches[:5])}); give more characters")
        self.prefix = prefix
        self.matches = matches


class WrongIdKind(UsageError):
    """A job id where a group was meant (`group_id` set), or a group id where a job was meant. `action` is
    what was asked: collect, cancel, retry, watch, resume."""

    def __init__(self, found: str, action: str, group_id: str | None = None) -> None:
        what = f"a job of group {group_id}" if group_id else "a batch group"
        super().__init__(f"{found} is {what}; {action} the {'group' if group_id else 'job'} instead")
        self.found = found
        self.action = action
        self.group_id = group_id


class StillRunning(UsageError):
    def __init__(self, found: str, running: int) -> None:
        super().__init__(f"{found} still has {running} batch(es) running at the provider; cancel them first")
        self.found = found
        self.running = running


class UncollectedResults(UsageError):
    """Removing would lose results the provider finished (and was paid for) but nobody collected yet."""

    def __init__(self, found: str, batches: int, is_group: bool) -> None:
        super().__init__(
            f"{found} has {batches} finished batch(es) whose results were never collected and would be lost; "
            "collect them first"
        )
        self.found = found
        self.batches = batches
        self.is_group = is_group


class ConcurrentChange(OperationFailed):
    def __init__(self, group_id: str, what: str) -> None:
        super().__init__(f"another process is {what} {group_id} right now; look at its status")
        self.group_id = group_id
        self.what = what


class BatchesMissingAtProvider(OperationFailed):
    """The provider has no batch for some running children (HTTP 404): watching cannot bring them to an end."""

    def __init__(self, group_id: str, job_ids: list[str]) -> None:
        shown = ", ".join(job_ids[:5]) + (f" and {len(job_ids) - 5} more" if len(job_ids) > 5 else "")
        super().__init__(
            f"the provider has no batch for {len(job_ids)} job(s) of {group_id} ({shown}); finished ones are "
            "collected, these keep their state: check the API key's account"
        )
        self.group_id = group_id
        self.job_ids = job_ids


class StoreUnavailable(OperationFailed):
    """The store cannot be opened or read: its folder, its file or its schema (exit code 1)."""


class NotCollected(OperationFailed):
    """A finished child's results were not collected (its output could not be read): retrying would pay for
    answers that may already be there."""

    def __init__(self, job_ids: list[str]) -> None:
        first = job_ids[0]
        more = f" (and {len(job_ids) - 1} more)" if len(job_ids) > 1 else ""
        super().__init__(
            f"batch {first}{more} finished but its results are not collected; "
            f"run `gh-analysis batch collect {first}` first, then retry what is still missing"
        )
        self.job_ids = job_ids


class UnresolvedChild(OperationFailed):
    """A child left `submitting` that several provider batches could be: never resent automatically, so a
    person must settle it (watching it cannot)."""

    def __init__(self, job_id: str, candidates: list[str]) -> None:
        super().__init__(
            f"batch {job_id} was left `submitting` and {len(candidates)} provider batches could be it "
            f"({', '.join(candidates)}); check them at the provider, then run "
            f"`gh-analysis batch adopt {job_id} PROVIDER_BATCH_ID` with the one that is its batch, "
            f"or `gh-analysis batch unsent {job_id}` if none is"
        )
        self.job_id = job_id
        self.candidates = candidates
