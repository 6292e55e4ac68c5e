//! Errors as HTTP answers: `{"error": "...", "hint": "..."}` with the status that fits.
//!
//! The library's refusals (the command line's exit-1 cases: bad input, not found, conflict,
//! nothing written) are 4xx; the hint holds what the command line prints under its message
//! (the closest passage of a quote that does not anchor, the candidates of an ambiguous
//! prefix). Storage failures are 5xx.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// One line: what was wrong and what to do.
    pub error: String,
    /// More lines, if any (the closest passage, candidates).
    pub hint: Option<String>,
}

impl ApiError {
    /// An answer with no hint.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            hint: None,
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    /// 503: the server cannot take it now.
    pub fn unavailable(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error)
    }

    /// 500: a failure inside the server.
    pub fn internal(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error)
    }

    /// 401: no valid token.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this needs a valid API token: send `Authorization: Bearer TOKEN` (an account's token from `claimledger user add`)",
        )
    }

    /// 403: the account may not do this.
    pub fn forbidden(what: &str, role: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "a {role} account cannot {what}; ask an editor for a checker or editor account"
            ),
        )
    }
}

/// The HTTP status of a library error.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::UnknownSource(_)
        | Error::UnknownClaim(_)
        | Error::UnknownParty(_)
        | Error::UnknownUser(_)
        | Error::NoSuchVersion { .. }
        | Error::NoCheckpoint => StatusCode::NOT_FOUND,
        Error::QuoteNotFound { .. }
        | Error::QuoteAmbiguous { .. }
        | Error::QuoteMidWord { .. }
        | Error::OccurrenceOutOfRange { .. }
        | Error::NotText { .. }
        | Error::NoTextLayer { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::DuplicateAppearance { .. }
        | Error::NameTaken { .. }
        | Error::StatusExists { .. }
        | Error::UserExists(_)
        | Error::DocumentConflict { .. } => StatusCode::CONFLICT,
        Error::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Error::Sqlite(_)
        | Error::SqlValue(_)
        | Error::Output(_)
        | Error::ReadOnly { .. }
        | Error::DiskFull { .. }
        | Error::DiskError { .. }
        | Error::Damaged { .. }
        | Error::SchemaMismatch { .. }
        | Error::CheckFailed(_)
        | Error::BadEntry { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let details = e.details();
        ApiError {
            status: status_of(&e),
            error: e.to_string(),
            hint: (!details.is_empty()).then(|| details.join("\n")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.error, "hint": self.hint });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
