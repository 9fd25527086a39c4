//! Diesel table definitions, identical for PostgreSQL and SQLite.

diesel::table! {
    agencies (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        province -> Text,
        district -> Nullable<Text>,
        services -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        address -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        agency_id -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::allow_tables_to_appear_in_same_query!(agencies, users);
