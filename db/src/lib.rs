//! CP-IMS storage: one diesel code path over PostgreSQL and SQLite, with pool, migrations and queries.

pub mod codec;
pub mod connection;
pub mod error;
pub mod migrate;
pub mod page;
pub mod pool;
pub mod repo;
pub mod schema;
pub mod scope;
pub mod transaction;
pub mod vault;

pub use connection::{AnyConnection, DatabaseTarget};
pub use diesel::result as diesel_result;
pub use error::DbError;
pub use pool::{build_pool, checkout, DbPool, PoolSettings};
pub use transaction::{savepoint, write_transaction};
pub use vault::Vault;
