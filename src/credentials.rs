//! How requests are authorized: the account key, or a Python azure-core
//! credential (`TokenCredential` / `AsyncTokenCredential`, Microsoft Entra ID)
//! seen by the driver and the REST path as an azure_core `TokenCredential`.
//!
//! Tokens are cached here and refreshed five minutes before they expire (as
//! azure-core's `BearerTokenCredentialPolicy` does), so Python is called once
//! per token, not once per request. Scopes follow 4.x: the facade passes the
//! account scope (or `AZURE_COSMOS_AAD_SCOPE_OVERRIDE`) and, without an
//! override, the fallback `https://cosmos.azure.com/.default`, tried when the
//! identity provider answers AADSTS500011 (no such resource principal).

use std::fmt;
use std::sync::Arc;

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use time::OffsetDateTime;

/// Refresh a cached token this long before it expires.
const REFRESH_MARGIN: time::Duration = time::Duration::minutes(5);
/// The identity provider's code for "this resource (scope) is not known here".
const UNKNOWN_RESOURCE_CODE: &str = "AADSTS500011";

/// A request's credential.
#[derive(Clone, Debug)]
pub enum Auth {
    Key(Secret),
    Token(Arc<PythonCredential>),
}

/// How the Python credential is called.
enum Calling {
    /// `get_token` blocks: called on a blocking thread (it may do network I/O),
    /// never on an engine worker.
    Blocking,
    /// `get_token` is a coroutine: run on the event loop the async client was
    /// created on, whose thread owns it; the engine awaits its completion.
    OnLoop(TaskLocals),
}

pub struct PythonCredential {
    credential: Py<PyAny>,
    calling: Calling,
    /// Tried in order; the next one only after an AADSTS500011 answer.
    scopes: Vec<String>,
    /// The token in use and the index of the scope it was issued for. Held
    /// across a refresh so that concurrent requests wait for one refresh.
    cached: tokio::sync::Mutex<(Option<AccessToken>, usize)>,
}

impl fmt::Debug for PythonCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token: only what kind of credential this is.
        f.debug_struct("PythonCredential")
            .field("scopes", &self.scopes)
            .field("async", &matches!(self.calling, Calling::OnLoop(_)))
            .finish()
    }
}

impl PythonCredential {
    /// `event_loop`: the loop of an async client (its credential's `get_token` is
    /// a coroutine); `None` for a sync client.
    pub fn new(credential: Py<PyAny>, scopes: Vec<String>, event_loop: Option<TaskLocals>) -> Self {
        Self {
            credential,
            calling: match event_loop {
                Some(locals) => Calling::OnLoop(locals),
                None => Calling::Blocking,
            },
            scopes,
            cached: tokio::sync::Mutex::new((None, 0)),
        }
    }

    /// One call of the Python credential: `get_token_info(scope)` where it has
    /// it (azure-core's newer protocol), else `get_token(scope)`.
    async fn fetch(&self, scope: &str) -> PyResult<AccessToken> {
        let scope = scope.to_owned();
        let outcome = match &self.calling {
            Calling::Blocking => {
                let credential = Python::attach(|py| self.credential.clone_ref(py));
                tokio::task::spawn_blocking(move || {
                    Python::attach(|py| {
                        let credential = credential.bind(py);
                        let answer = call_credential(credential, &scope)?;
                        Ok::<_, PyErr>(answer.unbind())
                    })
                })
                .await
                .map_err(|e| {
                    pyo3::exceptions::PyRuntimeError::new_err(format!(
                        "the credential's call did not complete: {e}"
                    ))
                })??
            }
            Calling::OnLoop(locals) => {
                let pending = Python::attach(|py| {
                    let awaitable = call_credential(self.credential.bind(py), &scope)?;
                    pyo3_async_runtimes::into_future_with_locals(locals, awaitable)
                })?;
                pending.await?
            }
        };
        Python::attach(|py| access_token(outcome.bind(py)))
    }

    async fn token(&self) -> PyResult<AccessToken> {
        let mut cached = self.cached.lock().await;
        if let (Some(token), _) = &*cached {
            if token.expires_on - REFRESH_MARGIN > OffsetDateTime::now_utc() {
                return Ok(token.clone());
            }
        }
        let mut index = cached.1;
        loop {
            match self.fetch(&self.scopes[index]).await {
                Ok(token) => {
                    *cached = (Some(token.clone()), index);
                    return Ok(token);
                }
                Err(err) if index + 1 < self.scopes.len() && names_unknown_resource(&err) => {
                    index += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// The value of the `authorization` header, URL-encoded as the service reads it.
    pub async fn authorization(&self) -> PyResult<String> {
        let token = self.token().await?;
        let header = format!("type=aad&ver=1.0&sig={}", token.token.secret());
        Ok(url::form_urlencoded::byte_serialize(header.as_bytes()).collect())
    }
}

fn call_credential<'py>(
    credential: &Bound<'py, PyAny>,
    scope: &str,
) -> PyResult<Bound<'py, PyAny>> {
    if credential.hasattr("get_token_info")? {
        credential.call_method1("get_token_info", (scope,))
    } else {
        credential.call_method1("get_token", (scope,))
    }
}

/// An azure-core `AccessToken` / `AccessTokenInfo` (`token`, `expires_on` in epoch seconds).
fn access_token(answer: &Bound<'_, PyAny>) -> PyResult<AccessToken> {
    let token: String = answer.getattr("token")?.extract()?;
    let expires_on: i64 = answer.getattr("expires_on")?.extract()?;
    let expires_on = OffsetDateTime::from_unix_timestamp(expires_on).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "the credential returned a token with an invalid expires_on ({expires_on})"
        ))
    })?;
    Ok(AccessToken::new(Secret::from(token), expires_on))
}

fn names_unknown_resource(err: &PyErr) -> bool {
    // The identity provider's answer reaches us only as the credential's exception
    // text (4.x reads it the same way).
    Python::attach(|py| err.value(py).to_string().contains(UNKNOWN_RESOURCE_CODE))
}

/// A Python exception from the credential, carried through the driver inside its
/// authentication error, so that the caller sees the credential's own exception
/// (as 4.x's bearer-token policy lets it propagate); see [`credential_failure`].
fn to_core_error(err: PyErr) -> azure_core::Error {
    azure_core::Error::new(azure_core::error::ErrorKind::Credential, err)
}

/// The credential's exception, if it is what made a request fail.
pub fn credential_failure(err: &(dyn std::error::Error + 'static)) -> Option<PyErr> {
    let mut current = Some(err);
    while let Some(cause) = current {
        if let Some(py_err) = cause.downcast_ref::<PyErr>() {
            return Some(Python::attach(|py| py_err.clone_ref(py)));
        }
        current = cause.source();
    }
    None
}

#[async_trait::async_trait]
impl TokenCredential for PythonCredential {
    /// The driver asks for its own fixed scope; the scopes 4.x would use are
    /// applied instead.
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.token().await.map_err(to_core_error)
    }
}
