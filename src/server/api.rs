//! The JSON API: the command line's JSON (the same keys, SPEC §4) over HTTP. Every write
//! goes through the writer queue to the same use cases as the command line
//! ([`crate::ledger`]), as the requesting account.

use std::path::Path as FsPath;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::auth;
use super::error::ApiError;
use super::state::AppState;
use crate::ledger::{Input, ListQuery, NewClaim, NewSource, NewStatus, Role, Targets};
use crate::source::SourceMeta;
use crate::store::queries::{ClaimSort, Withdrawn};

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/claims", get(list_claims).post(add_claim))
        .route("/api/claims/{id}", get(audit_claim))
        .route("/api/claims/{id}/status", post(set_status))
        .route("/api/sources", post(add_source))
        .route("/api/sources/{sha256}", get(source_bytes))
        .route("/api/checkpoint", get(checkpoint).post(record_checkpoint))
        .route("/api/proof/{id}", get(proof))
}

/// The `list` filters, as query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub status: Option<String>,
    pub claimant: Option<String>,
    pub via: Option<String>,
    pub source: Option<String>,
    pub document: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub search: Option<String>,
    #[serde(default)]
    pub missing: bool,
    /// id, status, claimant or said.
    pub sort: Option<String>,
    /// only or all (default: standing claims only).
    pub withdrawn: Option<String>,
}

impl ListParams {
    /// The library's query; empty parameters count as not given (a form's empty fields).
    pub fn query(self) -> Result<ListQuery, ApiError> {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let sort = match self.sort.as_deref().unwrap_or("id") {
            "" | "id" => ClaimSort::Id,
            "status" => ClaimSort::Status,
            "claimant" => ClaimSort::Claimant,
            "said" => ClaimSort::Said,
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown sort '{other}': use id, status, claimant or said"
                )));
            }
        };
        let withdrawn = match self.withdrawn.as_deref().unwrap_or("") {
            "" => Withdrawn::Excluded,
            "only" => Withdrawn::Only,
            "all" => Withdrawn::Included,
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown withdrawn '{other}': use only or all (or leave it out for standing claims)"
                )));
            }
        };
        Ok(ListQuery {
            status: given(self.status),
            claimant: given(self.claimant),
            via: given(self.via),
            source: given(self.source),
            document: given(self.document),
            since: given(self.since),
            until: given(self.until),
            search: given(self.search),
            missing: self.missing,
            sort,
            withdrawn,
        })
    }
}

/// The `claim add` fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    pub source: String,
    pub quote: String,
    pub claimant: String,
    #[serde(default)]
    pub via: Vec<String>,
    pub statement: Option<String>,
    pub said: Option<String>,
    pub status: Option<String>,
    pub by: Option<String>,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub occurrence: Option<usize>,
    #[serde(default)]
    pub duplicate: bool,
    #[serde(default)]
    pub partial_word: bool,
}

impl ClaimBody {
    /// The library's form.
    pub fn into_new(self) -> Result<NewClaim, ApiError> {
        if self.status.is_none()
            && (self.by.is_some() || self.evidence.is_some() || self.note.is_some())
        {
            return Err(ApiError::bad_request(
                "by, evidence and note belong to a first status: give status too",
            ));
        }
        Ok(NewClaim {
            source: self.source,
            quote: self.quote,
            occurrence: self.occurrence,
            partial_word: self.partial_word,
            claimant: self.claimant,
            via: self.via,
            statement: self.statement,
            said: self.said,
            status: self.status.map(|status| NewStatus {
                status,
                by: self.by,
                evidence: self.evidence,
                quote: None,
                occurrence: None,
                note: self.note,
            }),
            duplicate: self.duplicate,
        })
    }
}

/// The `status set` fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub status: String,
    pub by: Option<String>,
    pub evidence: Option<String>,
    pub quote: Option<String>,
    pub occurrence: Option<usize>,
    pub note: Option<String>,
}

impl From<StatusBody> for NewStatus {
    fn from(b: StatusBody) -> NewStatus {
        NewStatus {
            status: b.status,
            by: b.by,
            evidence: b.evidence,
            quote: b.quote,
            occurrence: b.occurrence,
            note: b.note,
        }
    }
}

/// A request body, or the answer to a refused one (413 past the size limit).
pub fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "the request body is larger than this server takes (serve --max-body); send less",
            )
        } else {
            ApiError::new(
                status,
                format!("the request body cannot be read: {}", r.body_text()),
            )
        }
    })
}

/// Parses a JSON body.
fn json_body<T: serde::de::DeserializeOwned>(
    body_bytes: Result<Bytes, BytesRejection>,
    what: &str,
) -> Result<T, ApiError> {
    let bytes = body(body_bytes)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!("the body is not a valid {what} JSON object: {e}"))
    })
}

async fn list_claims(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    auth::reader(&state, &headers).await?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let query = params.query()?;
    let rows = state.read(move |l| l.list(&query)).await?;
    Ok(Json(rows).into_response())
}

async fn audit_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth::reader(&state, &headers).await?;
    let audit = state.read(move |l| l.audit(&id)).await?;
    Ok(Json(audit).into_response())
}

async fn add_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let account = auth::writer(&state, &headers, Role::Checker, "add claims").await?;
    let new = json_body::<ClaimBody>(bytes, "claim")?.into_new()?;
    let recorded = state
        .writer
        .run(&account.name, move |l| l.add_claim(new))
        .await?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

async fn set_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let account = auth::writer(&state, &headers, Role::Checker, "set statuses").await?;
    let new: NewStatus = json_body::<StatusBody>(bytes, "status")?.into();
    let mut recorded = state
        .writer
        .run(&account.name, move |l| {
            l.set_status_many(&Targets::Ids(vec![id]), new)
        })
        .await?;
    let one = recorded
        .pop()
        .ok_or_else(|| ApiError::internal("the status was set on no claim"))?;
    Ok(Json(one).into_response())
}

/// A metadata header as text (UTF-8 bytes are taken as they are).
fn meta(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => String::from_utf8(v.as_bytes().to_vec())
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("header {name} is not UTF-8 text"))),
    }
}

async fn add_source(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let account = auth::writer(&state, &headers, Role::Checker, "add sources").await?;
    let bytes = body(bytes)?;
    let new = NewSource {
        meta: SourceMeta {
            title: meta(&headers, "x-source-title")?,
            url: meta(&headers, "x-source-url")?,
            publisher: meta(&headers, "x-source-publisher")?,
            author: meta(&headers, "x-source-author")?,
            published: meta(&headers, "x-source-published")?,
        },
        captured: meta(&headers, "x-source-captured")?,
        version_of: meta(&headers, "x-source-version-of")?,
        name: meta(&headers, "x-source-name")?,
        raw_text: false,
    };
    let added = state
        .writer
        .run(&account.name, move |l| {
            let reader = Box::new(std::io::Cursor::new(bytes));
            l.add_source(Input::Reader(reader, FsPath::new("<request body>")), new)
        })
        .await?;
    let status = if added.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(added)).into_response())
}

async fn source_bytes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    auth::reader(&state, &headers).await?;
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ApiError::bad_request(
            "give the source's whole SHA-256 (64 lowercase hex digits), as `source add` printed it",
        ));
    }
    let (media_type, bytes) = state.read(move |l| l.source_bytes(&sha256)).await?;
    let content_type = HeaderValue::from_str(&media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment"),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn note_response(note: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response()
}

async fn checkpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    auth::reader(&state, &headers).await?;
    match state.read(|l| l.latest_checkpoint_note()).await? {
        Some(note) => Ok(note_response(note)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no checkpoint recorded yet; an editor records one with POST /api/checkpoint (or `claimledger checkpoint`)",
        )),
    }
}

async fn record_checkpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let account = auth::writer(&state, &headers, Role::Editor, "record checkpoints").await?;
    let note = state
        .writer
        .run(&account.name, |l| l.record_checkpoint())
        .await?;
    Ok(note_response(note))
}

async fn proof(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth::reader(&state, &headers).await?;
    let proofs = state.read(move |l| l.claim_proofs(&id)).await?;
    Ok(Json(proofs.documents).into_response())
}
