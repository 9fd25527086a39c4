//! CP-IMS domain: entities, taxonomies, rules and policy, free of HTTP, SQL and I/O.

pub mod agency;
pub mod case;
pub mod code_enum;
pub mod contact;
pub mod location;
pub mod principal;
pub mod taxonomy;
pub mod user;
