//! The service registry: which service answers each operation of each AWS model. Built once at
//! start from every service's [`Service::operations`]; a request whose operation no service
//! lists gets the protocol's "not implemented" error naming it, before any service runs.

use std::collections::HashMap;
use std::sync::Arc;

use aws_protocol::ServiceId;
use service_kit::Service;

/// Operation → service, per model.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    by_model: HashMap<ServiceId, HashMap<&'static str, Arc<dyn Service>>>,
}

impl Registry {
    /// Registers every operation `service` lists. A later registration of the same operation
    /// replaces an earlier one (there is none: each model's operations belong to one service).
    pub(crate) fn register(&mut self, service: Arc<dyn Service>) {
        for &(model, operation) in service.operations() {
            self.by_model.entry(model).or_default().insert(operation, Arc::clone(&service));
        }
    }

    /// The service answering `operation` of `model`.
    pub(crate) fn service_for(&self, model: ServiceId, operation: &str) -> Option<&Arc<dyn Service>> {
        self.by_model.get(&model)?.get(operation)
    }

    /// Some service of `model` (for errors that precede the operation, such as an oversize body).
    pub(crate) fn any_service_of(&self, model: ServiceId) -> Option<&Arc<dyn Service>> {
        self.by_model.get(&model)?.values().next()
    }

    /// Every (model, operation) answered, sorted.
    pub(crate) fn operations(&self) -> Vec<(ServiceId, &'static str)> {
        let mut out: Vec<_> = self.by_model.iter().flat_map(|(model, ops)| ops.keys().map(move |op| (*model, *op))).collect();
        out.sort_by(|a, b| (a.0.full_name(), a.1).cmp(&(b.0.full_name(), b.1)));
        out
    }
}
