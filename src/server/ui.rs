//! The web pages: server-rendered HTML (minijinja, templates/server/), no JavaScript and no
//! build step. The status table with filters and search, a claim's page (its audit story
//! with the quote highlighted), a form to add a claim by pasting a quote, and one to set a
//! status.
//!
//! Design decisions: signing in takes an account's API token and keeps it in a cookie that
//! scripts cannot read (`HttpOnly`) and other sites cannot make the browser send
//! (`SameSite=Strict`). Every form that writes carries a CSRF token derived from the session
//! token (SHA-256 of it under a fixed label), checked before anything runs. Every stored
//! text is escaped by minijinja's HTML auto-escaping, and a Content-Security-Policy allows
//! no script at all.

use std::sync::OnceLock;

use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Environment, Value, context};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::api::ListParams;
use super::auth::{self, SESSION_COOKIE};
use super::error::ApiError;
use super::state::AppState;
use crate::ledger::{Account, NewClaim, NewStatus, Role, Targets};

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/claims") }))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/claims", get(claims_page))
        .route("/claims/new", get(new_claim_page).post(add_claim))
        .route("/claims/{id}", get(claim_page))
        .route("/claims/{id}/status", post(set_status))
}

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // As the report: HTML-escaped, and control and bidi characters shown, not hidden.
        env.set_formatter(crate::report::visible_formatter);
        for (name, text) in [
            (
                "base.html",
                include_str!("../../templates/server/base.html"),
            ),
            (
                "login.html",
                include_str!("../../templates/server/login.html"),
            ),
            (
                "claims.html",
                include_str!("../../templates/server/claims.html"),
            ),
            (
                "claim.html",
                include_str!("../../templates/server/claim.html"),
            ),
            ("new.html", include_str!("../../templates/server/new.html")),
            (
                "error.html",
                include_str!("../../templates/server/error.html"),
            ),
        ] {
            env.add_template(name, text)
                .expect("the shipped templates parse (tests render each)");
        }
        env
    })
}

/// A rendered page with the headers every page gets.
fn page(status: StatusCode, name: &str, ctx: Value) -> Response {
    let html = match templates().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => {
            return ApiError::internal(format!("the page {name} could not be rendered: {e}"))
                .into_response();
        }
    };
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The CSRF token of a session: derived from its (secret) token, so only a page the server
/// rendered for that session holds it.
fn csrf_for(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"claimledger csrf\0");
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

/// Who is signed in.
struct Session {
    account: Account,
    token: String,
}

impl Session {
    fn context(&self) -> Value {
        context! {
            name => self.account.name,
            role => self.account.role.name(),
            writes => self.account.role >= Role::Checker,
        }
    }
}

/// The page context's account and csrf for an optional session.
fn who(session: Option<&Session>) -> (Value, String) {
    match session {
        Some(s) => (s.context(), csrf_for(&s.token)),
        None => (Value::from(()), String::new()),
    }
}

/// The session of a request's cookie, if it holds a valid token.
async fn session(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
    let Some(token) = auth::cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(auth::account(state, token.clone())
        .await?
        .map(|account| Session { account, token }))
}

/// A page that reads: the session, or None under --public-read; else to the sign-in page.
async fn reading(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, Response> {
    match session(state, headers).await {
        Ok(Some(s)) => Ok(Some(s)),
        Ok(None) if state.public_read() => Ok(None),
        Ok(None) => Err(Redirect::to("/login").into_response()),
        Err(e) => Err(error_page(e, &None)),
    }
}

/// A form that writes: a session whose role may write and whose CSRF token matches.
async fn writing(state: &AppState, headers: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    let session = match session(state, headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(Redirect::to("/login").into_response()),
        Err(e) => return Err(error_page(e, &None)),
    };
    if csrf.is_empty() || csrf != csrf_for(&session.token) {
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            "this form is stale or did not come from this server (its CSRF token does not match): reload the page and send it again",
        );
        return Err(error_page(e, &Some(session)));
    }
    if session.account.role < Role::Checker {
        let e = ApiError::forbidden("change the ledger", session.account.role.name());
        return Err(error_page(e, &Some(session)));
    }
    Ok(session)
}

fn error_page(e: ApiError, session: &Option<Session>) -> Response {
    let (account, csrf) = who(session.as_ref());
    let title = e.status.canonical_reason().unwrap_or("Error");
    page(
        e.status,
        "error.html",
        context! { title, error => e.error, hint => e.hint, account, csrf },
    )
}

fn form_error(r: FormRejection) -> ApiError {
    ApiError::new(
        r.status(),
        format!("the form cannot be read: {}", r.body_text()),
    )
}

/// An optional form field: empty means not given.
fn given(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login_page() -> Response {
    page(StatusCode::OK, "login.html", context! {})
}

async fn login(
    State(state): State<AppState>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let token = match form {
        Ok(Form(f)) => f.token.trim().to_string(),
        Err(r) => return error_page(form_error(r), &None),
    };
    let valid = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match auth::account(&state, token.clone()).await {
        Ok(Some(_)) if valid => {
            let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
            let mut response = Redirect::to("/claims").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Ok(_) => page(
            StatusCode::UNAUTHORIZED,
            "login.html",
            context! { error => "that token is not valid (or was revoked); ask an editor for one from `claimledger user add`" },
        ),
        Err(e) => error_page(e, &None),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Err(refused) = writing_or_reader(&state, &headers, &csrf).await {
        return refused;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "claimledger_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    response
}

/// Signing out needs the CSRF token, whatever the role.
async fn writing_or_reader(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), Response> {
    match session(state, headers).await {
        Ok(Some(s)) if csrf == csrf_for(&s.token) => Ok(()),
        Ok(Some(s)) => Err(error_page(
            ApiError::new(
                StatusCode::FORBIDDEN,
                "this form did not come from this server; reload the page",
            ),
            &Some(s),
        )),
        Ok(None) => Ok(()),
        Err(e) => Err(error_page(e, &None)),
    }
}

async fn claims_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let session = match reading(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let filters = context! {
        status => params.status.clone(), claimant => params.claimant.clone(),
        via => params.via.clone(), search => params.search.clone(),
    };
    let statuses = state.read(|l| l.statuses()).await.unwrap_or_default();
    let (account, csrf) = who(session.as_ref());
    let result = match params.query() {
        Ok(query) => state.read(move |l| l.list(&query)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(claims) => page(
            StatusCode::OK,
            "claims.html",
            context! { claims, statuses, filters, account, csrf },
        ),
        Err(e) => page(
            e.status,
            "claims.html",
            context! { claims => Vec::<()>::new(), statuses, filters, account, csrf, error => e.error },
        ),
    }
}

/// The claim page, with an error from the status form if there was one.
async fn render_claim(
    state: &AppState,
    session: &Option<Session>,
    id: String,
    failed: Option<ApiError>,
) -> Response {
    let audit = match state.read(move |l| l.audit(&id)).await {
        Ok(a) => a,
        Err(e) => return error_page(e, session),
    };
    let statuses = state.read(|l| l.statuses()).await.unwrap_or_default();
    let (account, csrf) = who(session.as_ref());
    let (status, error, hint) = match failed {
        Some(e) => (e.status, Some(e.error), e.hint),
        None => (StatusCode::OK, None, None),
    };
    page(
        status,
        "claim.html",
        context! { claim => Value::from_serialize(&audit), statuses, account, csrf, error, hint },
    )
}

async fn claim_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match reading(&state, &headers).await {
        Ok(session) => render_claim(&state, &session, id, None).await,
        Err(r) => r,
    }
}

#[derive(Default, Deserialize, serde::Serialize)]
struct ClaimForm {
    #[serde(default)]
    csrf: String,
    source: Option<String>,
    quote: Option<String>,
    claimant: Option<String>,
    via: Option<String>,
    statement: Option<String>,
    said: Option<String>,
}

async fn render_new(
    state: &AppState,
    session: &Session,
    form: &ClaimForm,
    failed: Option<ApiError>,
) -> Response {
    let sources = state.read(|l| l.sources()).await.unwrap_or_default();
    let (account, csrf) = who(Some(session));
    let (status, error, hint) = match failed {
        Some(e) => (e.status, Some(e.error), e.hint),
        None => (StatusCode::OK, None, None),
    };
    page(
        status,
        "new.html",
        context! { sources, form => Value::from_serialize(form), account, csrf, error, hint },
    )
}

async fn new_claim_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match session(&state, &headers).await {
        Ok(Some(s)) if s.account.role >= Role::Checker => {
            render_new(&state, &s, &ClaimForm::default(), None).await
        }
        Ok(Some(s)) => error_page(
            ApiError::forbidden("add claims", s.account.role.name()),
            &Some(s),
        ),
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => error_page(e, &None),
    }
}

async fn add_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<ClaimForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(r) => return error_page(form_error(r), &None),
    };
    let session = match writing(&state, &headers, &form.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let new = NewClaim {
        source: given(form.source.clone()).unwrap_or_default(),
        // The quote as pasted (its own spaces matter to exact matching).
        quote: form.quote.clone().unwrap_or_default(),
        occurrence: None,
        partial_word: false,
        claimant: given(form.claimant.clone()).unwrap_or_default(),
        via: form
            .via
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        statement: given(form.statement.clone()),
        said: given(form.said.clone()),
        status: None,
        duplicate: false,
    };
    match state
        .writer
        .run(&session.account.name, move |l| l.add_claim(new))
        .await
    {
        Ok(recorded) => Redirect::to(&format!("/claims/{}", recorded.id)).into_response(),
        Err(e) => render_new(&state, &session, &form, Some(e)).await,
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    status: String,
    by: Option<String>,
    note: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(r) => return error_page(form_error(r), &None),
    };
    let session = match writing(&state, &headers, &form.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let new = NewStatus {
        status: form.status,
        by: given(form.by),
        evidence: None,
        quote: None,
        occurrence: None,
        note: given(form.note),
    };
    let target = id.clone();
    let done = state
        .writer
        .run(&session.account.name, move |l| {
            l.set_status_many(&Targets::Ids(vec![target]), new)
        })
        .await;
    match done {
        Ok(_) => Redirect::to(&format!("/claims/{id}")).into_response(),
        Err(e) => {
            let session = Some(session);
            render_claim(&state, &session, id, Some(e)).await
        }
    }
}
