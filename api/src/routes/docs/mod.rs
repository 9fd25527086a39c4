//! The API's own description: the OpenAPI document the Swagger UI at `/docs/` loads.

pub mod spec;
