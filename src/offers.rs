//! Offers (provisioned throughput), through the driver: the offers feed, queried by
//! the resource they provision, and the replacement of one offer.

use azure_data_cosmos_driver::models::CosmosOperation;
use azure_data_cosmos_driver::options::PlanOptions;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::operation::execute_within;
use crate::options::RequestOptions;
use crate::query::{query_body, FeedKind, FeedRequest, FeedTarget, PyPager};
use crate::response::PyResponse;
use crate::runtime::block_on;

/// `offer_id` is the offer's `id`, which for offers is its RID.
async fn replace(
    core: EngineCore,
    offer_id: String,
    body: Vec<u8>,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        Ok(CosmosOperation::replace_offer(core.account.clone(), offer_id).with_body(body))
    })
    .await
}

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (query, parameters, options=None))]
    fn query_offers(
        &self,
        query: String,
        parameters: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let body = query_body(&query, parameters.as_bytes())?;
        let account = core.account.clone();
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::Query,
            wrap_token: None,
            core,
            build: Box::pin(async move {
                Ok(FeedTarget::driver(
                    CosmosOperation::query_offers(account).with_body(body),
                    None,
                ))
            }),
            options,
            plan_options: PlanOptions::default(),
            merged: None,
        }))
    }

    #[pyo3(signature = (offer_id, body, options=None))]
    fn replace_offer(
        &self,
        py: Python<'_>,
        offer_id: String,
        body: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(
            py,
            replace(core, offer_id, body.as_bytes().to_vec(), options),
        )
    }

    #[pyo3(signature = (offer_id, body, options=None))]
    fn replace_offer_async<'py>(
        &self,
        py: Python<'py>,
        offer_id: String,
        body: &Bound<'py, PyBytes>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(
            py,
            replace(core, offer_id, body.as_bytes().to_vec(), options),
        )
    }
}
