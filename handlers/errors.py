"""One error handler for every listener: a domain error becomes a friendly ephemeral message; a
database that is away or busy becomes "try again in a minute" (it is known and passes); anything
else becomes "Something went wrong (error id X)" with the traceback logged under X."""

from __future__ import annotations

import functools
import inspect
import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.messages import problem_blocks, unexpected_blocks
from blocks.wording import field_problems, problem
from handlers.replies import tell
from handlers.router import Reply
from handlers.verification import verified
from models.db import database_unavailable
from services.errors import DomainError

log = logging.getLogger("dvpn.handlers")


def new_error_id() -> str:
    return secrets.token_hex(4).upper()


def log_unexpected(error: BaseException, where: str) -> str:
    """Log the traceback under a fresh error id and return the id. Logs carry ids, never names:
    SQL parameters are hidden by the engine and domain messages are written to hold none."""
    error_id = new_error_id()
    log.error("error id %s in %s: %s", error_id, where, type(error).__name__, exc_info=error)
    return error_id


DATABASE_AWAY = "The database is not answering just now, so nothing was done. Try again in a minute."
DATABASE_AWAY_IN_FORM = "The database is not answering just now. Nothing was saved: submit again in a minute."


def log_database_away(error: BaseException, where: str) -> None:
    """No traceback and no error id: the cause is known, and a restart logs many of these.
    The driver's class and SQLSTATE say which condition it was; its message is not logged."""
    orig = getattr(error, "orig", None)
    state = getattr(orig, "sqlstate", None)
    log.warning(
        "database not answering in %s (%s%s); asked to try again",
        where,
        type(orig or error).__name__,
        f", SQLSTATE {state}" if state else "",
    )


def reply_for(error: BaseException, where: str) -> Reply:
    if isinstance(error, DomainError):
        return Reply(problem_blocks(problem(error)), problem(error))
    if database_unavailable(error):
        log_database_away(error, where)
        return Reply(problem_blocks(DATABASE_AWAY), DATABASE_AWAY)
    error_id = log_unexpected(error, where)
    return Reply(unexpected_blocks(error_id), f"Something went wrong (error id {error_id})")


def on_error(
    error: Exception, body: dict[str, Any], client: WebClient, respond: Respond | None, context: BoltContext | None
) -> None:
    """Bolt's global error handler: every listener's and middleware's exception ends here. Only a
    request that passed verification is answered: an unverified body names whatever response URL,
    channel and user its sender chose, so it is only logged (by class, never its content)."""
    if not verified(context):
        log.warning("error before the request was verified: %s; not answered", type(error).__name__)
        return
    where = str(body.get("command") or body.get("type") or "request")
    reply = reply_for(error, where)
    try:
        tell(body, client, respond, reply)
    except (SlackApiError, OSError) as failure:  # Slack unreachable: the log is all we can do
        log.error("could not report error to the user: %s", type(failure).__name__)


def reported(listener: Callable[..., None]) -> Callable[..., None]:
    """Report a listener's errors from inside the listener, after its ack() (or, for a listener
    registered with handlers.after_ack, after the ack Bolt sent for it: Bolt's lazy runner only
    logs a failure, so without this the user would hear nothing).

    Bolt's thread runner mishandles a listener that acks and then raises (process_before_response
    off): it drops the ack and answers Slack 404 "unhandled request" after its 3-second ack timeout,
    or 500, on top of the friendly message. So listeners that ack first are wrapped: the error is
    reported here exactly as the global handler would, and Bolt sees a listener that returned.
    The listener must take `body` and `client` (and `respond` where there is one). Bolt also hands
    the wrapper the request's `context`, which says whether it was verified (on_error)."""
    signature = inspect.signature(listener)
    names = signature.parameters
    if "body" not in names or "client" not in names:
        raise TypeError(f"{listener.__name__} must take body and client to report its errors")
    wanted = "context" in names

    def run(**kwargs: Any) -> None:
        context = kwargs.get("context") if wanted else kwargs.pop("context", None)
        try:
            listener(**kwargs)
        except Exception as error:
            on_error(error, kwargs["body"], kwargs["client"], kwargs.get("respond"), context)

    # Bolt injects arguments by the names in the signature it finds (not following __wrapped__):
    # the listener's own, and the context.
    functools.update_wrapper(run, listener, updated=())
    del run.__wrapped__  # type: ignore[attr-defined]
    if not wanted:
        context = inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        signature = signature.replace(parameters=[*names.values(), context])
    run.__signature__ = signature  # type: ignore[attr-defined]
    return run


def form_errors(error: BaseException, blocks: list[dict[str, Any]], aliases: dict[str, str]) -> dict[str, str]:
    """Inline errors for a modal (`response_action: errors`), keyed by the block each belongs to.
    A field the form does not show is reported on its first input, so nothing is lost."""
    input_ids = [b["block_id"] for b in blocks if b.get("type") == "input"]
    if isinstance(error, DomainError):
        found: dict[str, str] = {}
        for field, message in (field_problems(error) or {"": problem(error)}).items():
            block = aliases.get(field, field)
            target = block if block in input_ids else input_ids[0]
            found[target] = f"{found[target]} {message}" if target in found else message
        return found
    if database_unavailable(error):
        log_database_away(error, "form")
        return {input_ids[0]: DATABASE_AWAY_IN_FORM}
    error_id = log_unexpected(error, "form")
    return {input_ids[0]: f"Something went wrong (error id {error_id}). Nothing was saved: try again."}
