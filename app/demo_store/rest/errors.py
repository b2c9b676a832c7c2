"""The REST API's error shape: ``{"code","message","data":{"status",…}}`` (reference §1.6)."""

from __future__ import annotations

from typing import Any


class RestError(Exception):
    """A ``WP_Error`` as the REST server answers it; ``data`` extras follow ``status``."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.extra},
        }


def no_route() -> RestError:
    """No route, or no handler for the method (reference §2)."""
    return RestError(
        404, "rest_no_route", "No route was found matching the URL and request method."
    )


def auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> RestError:
    """An authentication refusal (reference §16.6): always 401."""
    return RestError(401, code, message)


def invalid_params(problems: dict[str, tuple[str, str, Any]]) -> RestError:
    """``rest_invalid_param`` listing every bad parameter: name → (message, detail code, data)."""
    return RestError(
        400,
        "rest_invalid_param",
        "Invalid parameter(s): " + ", ".join(problems),
        params={name: problem[0] for name, problem in problems.items()},
        details={
            name: {"code": problem[1], "message": problem[0], "data": problem[2]}
            for name, problem in problems.items()
        },
    )


def invalid_id(status: int, lower: bool = False) -> RestError:
    """``woocommerce_rest_invalid_id``: 404 on reads, 400 on writes; delete says "id"."""
    return RestError(
        status,
        "woocommerce_rest_invalid_id",
        "Invalid resource id." if lower else "Invalid resource ID.",
    )
