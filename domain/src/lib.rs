//! CP-IMS domain: entities, taxonomies, rules and policy, free of HTTP, SQL and I/O.

pub mod access;
pub mod agency;
pub mod audit;
pub mod case;
pub mod child;
pub mod code_enum;
pub mod complaint;
pub mod contact;
pub mod deadlines;
pub mod disclosure;
pub mod history;
pub mod incident;
pub mod location;
pub mod matching;
pub mod need_to_know;
pub mod principal;
pub mod protection;
pub mod records;
pub mod stats;
pub mod tabulation;
pub mod taxonomy;
pub mod user;
pub mod workflow;
