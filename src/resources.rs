//! The control-plane resources the driver does not model, over the REST path:
//! users and their permissions (under a database), stored procedures, triggers and
//! user-defined functions (under a container). Each kind has the same six
//! operations (create, upsert, read, replace, delete, query/list); a stored
//! procedure is also executed here.

use azure_core::http::Method;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::awaitable::into_awaitable;
use crate::container_operations::key_header;
use crate::engine::{EngineCore, PyEngine};
use crate::operation::with_timeout;
use crate::options::RequestOptions;
use crate::query::{rest_feed, PyPager};
use crate::response::PyResponse;
use crate::rest::RestTarget;
use crate::runtime::block_on;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ResourceKind {
    User,
    Permission,
    StoredProcedure,
    Trigger,
    UserDefinedFunction,
}

impl ResourceKind {
    /// The facade names a kind by its path segment, as the service does.
    fn parse(name: &str) -> PyResult<Self> {
        Ok(match name {
            "users" => Self::User,
            "permissions" => Self::Permission,
            "sprocs" => Self::StoredProcedure,
            "triggers" => Self::Trigger,
            "udfs" => Self::UserDefinedFunction,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown resource kind {other:?}"
                )))
            }
        })
    }

    fn segment(self) -> &'static str {
        match self {
            Self::User => "users",
            Self::Permission => "permissions",
            Self::StoredProcedure => "sprocs",
            Self::Trigger => "triggers",
            Self::UserDefinedFunction => "udfs",
        }
    }

    /// The segment of the resource this kind lives under, below the database
    /// (`None`: directly under the database).
    fn parent_segment(self) -> Option<&'static str> {
        match self {
            Self::User => None,
            Self::Permission => Some("users"),
            Self::StoredProcedure | Self::Trigger | Self::UserDefinedFunction => Some("colls"),
        }
    }
}

/// Where resources of one kind live: `dbs/d`, `dbs/d/users/u` or `dbs/d/colls/c`.
#[derive(Clone, Debug)]
struct Scope {
    kind: ResourceKind,
    parent_link: String,
}

impl Scope {
    fn new(kind: &str, database: &str, parent: Option<&str>) -> PyResult<Self> {
        let kind = ResourceKind::parse(kind)?;
        let parent_link = match (kind.parent_segment(), parent) {
            (None, None) => format!("dbs/{database}"),
            (Some(segment), Some(parent)) => format!("dbs/{database}/{segment}/{parent}"),
            (None, Some(_)) => {
                return Err(PyValueError::new_err(format!(
                    "{} live directly under a database",
                    kind.segment()
                )))
            }
            (Some(segment), None) => {
                return Err(PyValueError::new_err(format!(
                    "{} live under {segment}: name the parent",
                    kind.segment()
                )))
            }
        };
        Ok(Self { kind, parent_link })
    }

    /// The feed of the kind (list, query) and where new resources are created.
    fn feed(&self, method: Method) -> RestTarget {
        RestTarget {
            method,
            resource_type: self.kind.segment(),
            path: format!("{}/{}", self.parent_link, self.kind.segment()),
            resource_link: self.parent_link.clone(),
        }
    }

    fn resource(&self, method: Method, id: &str) -> RestTarget {
        let link = format!("{}/{}/{id}", self.parent_link, self.kind.segment());
        RestTarget {
            method,
            resource_type: self.kind.segment(),
            path: link.clone(),
            resource_link: link,
        }
    }
}

/// One request of a resource operation, bounded by the operation's `timeout`.
async fn send(
    core: EngineCore,
    target: RestTarget,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    with_timeout(options.timeout, async move {
        core.rest.send(target, headers, body, &options).await
    })
    .await
}

fn upsert_header() -> Vec<(String, String)> {
    vec![("x-ms-documentdb-is-upsert".to_owned(), "True".to_owned())]
}

/// The twins of one resource operation: a blocking method and its `_async`
/// awaitable, both building the same request and sending it with [`send`].
macro_rules! resource_twins {
    (
        $sync:ident, $async_name:ident,
        ($($arg:ident : $ty:ty),*),
        |$core:ident, $options:ident| $request:expr
    ) => {
        #[pymethods]
        impl PyEngine {
            // The parameters are the Python method's, one by one.
            #[allow(clippy::too_many_arguments)]
            #[pyo3(signature = ($($arg,)* options=None))]
            fn $sync(
                &self,
                py: Python<'_>,
                $($arg: $ty,)*
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<PyResponse> {
                let ($core, $options) = self.prepare(options)?;
                let (target, headers, body) = $request;
                block_on(py, send($core, target, headers, body, $options))
            }

            #[allow(clippy::too_many_arguments)]
            #[pyo3(signature = ($($arg,)* options=None))]
            fn $async_name<'py>(
                &self,
                py: Python<'py>,
                $($arg: $ty,)*
                options: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let ($core, $options) = self.prepare(options)?;
                let (target, headers, body) = $request;
                into_awaitable(py, send($core, target, headers, body, $options))
            }
        }
    };
}

resource_twins!(
    create_resource, create_resource_async,
    (kind: &str, database: &str, parent: Option<&str>, body: &Bound<'_, PyBytes>),
    |core, options| (
        Scope::new(kind, database, parent)?.feed(Method::Post),
        Vec::new(),
        Some(body.as_bytes().to_vec())
    )
);

resource_twins!(
    upsert_resource, upsert_resource_async,
    (kind: &str, database: &str, parent: Option<&str>, body: &Bound<'_, PyBytes>),
    |core, options| (
        Scope::new(kind, database, parent)?.feed(Method::Post),
        upsert_header(),
        Some(body.as_bytes().to_vec())
    )
);

resource_twins!(
    read_resource, read_resource_async,
    (kind: &str, database: &str, parent: Option<&str>, id: &str),
    |core, options| (
        Scope::new(kind, database, parent)?.resource(Method::Get, id),
        Vec::new(),
        None
    )
);

resource_twins!(
    replace_resource, replace_resource_async,
    (kind: &str, database: &str, parent: Option<&str>, id: &str, body: &Bound<'_, PyBytes>),
    |core, options| (
        Scope::new(kind, database, parent)?.resource(Method::Put, id),
        Vec::new(),
        Some(body.as_bytes().to_vec())
    )
);

resource_twins!(
    delete_resource, delete_resource_async,
    (kind: &str, database: &str, parent: Option<&str>, id: &str),
    |core, options| (
        Scope::new(kind, database, parent)?.resource(Method::Delete, id),
        Vec::new(),
        None
    )
);

// A stored procedure run in one logical partition (`partition_key`), or in a
// container without partition key (`None`); `body` is the JSON array of its
// arguments.
resource_twins!(
    execute_stored_procedure, execute_stored_procedure_async,
    (
        database: &str,
        container: &str,
        id: &str,
        partition_key: Option<&Bound<'_, PyList>>,
        body: &Bound<'_, PyBytes>
    ),
    |core, options| {
        let scope = Scope::new("sprocs", database, Some(container))?;
        let mut headers = Vec::new();
        if let Some(key) = partition_key {
            headers.push(("x-ms-documentdb-partitionkey".to_owned(), key_header(key)?));
        }
        (scope.resource(Method::Post, id), headers, Some(body.as_bytes().to_vec()))
    }
);

#[pymethods]
impl PyEngine {
    /// The resources of one kind under their parent: all of them (`query=None`)
    /// or those a query selects.
    #[pyo3(signature = (kind, database, parent=None, query=None, parameters=None, options=None))]
    fn query_resources(
        &self,
        kind: &str,
        database: &str,
        parent: Option<&str>,
        query: Option<String>,
        parameters: Option<&Bound<'_, PyBytes>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let scope = Scope::new(kind, database, parent)?;
        let (core, options) = self.prepare(options)?;
        rest_feed(
            core,
            options,
            |method| scope.feed(method),
            query.as_deref(),
            parameters.map(|p| p.as_bytes()),
            Vec::new(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_resource_tree() {
        let users = Scope::new("users", "db", None).unwrap();
        let feed = users.feed(Method::Post);
        assert_eq!(feed.path, "dbs/db/users");
        assert_eq!(feed.resource_link, "dbs/db");
        assert_eq!(feed.resource_type, "users");

        let permissions = Scope::new("permissions", "db", Some("u1")).unwrap();
        let point = permissions.resource(Method::Get, "p1");
        assert_eq!(point.path, "dbs/db/users/u1/permissions/p1");
        assert_eq!(point.resource_link, point.path);
        assert_eq!(point.resource_type, "permissions");

        let udfs = Scope::new("udfs", "db", Some("c")).unwrap();
        assert_eq!(udfs.feed(Method::Get).path, "dbs/db/colls/c/udfs");
        assert_eq!(udfs.feed(Method::Get).resource_link, "dbs/db/colls/c");
    }

    #[test]
    fn a_scope_names_its_parent_exactly_when_the_kind_has_one() {
        assert!(Scope::new("users", "db", Some("x")).is_err());
        assert!(Scope::new("sprocs", "db", None).is_err());
        assert!(Scope::new("offers", "db", None).is_err());
    }
}
